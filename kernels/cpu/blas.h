// General matrix products for float (oneDNN) and double (CBLAS, OpenBLAS
// by default); benchmarks/README.md has the library comparison.
#ifndef TG_KERNELS_CPU_BLAS_H_
#define TG_KERNELS_CPU_BLAS_H_

#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "absl/status/status.h"
#include "core/status.h"

namespace tg {

// CBLAS takes 32-bit sizes: a product whose dims do not fit is refused.
inline absl::Status CheckBlasDims(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) {
    TG_REQUIRE(d <= std::numeric_limits<int>::max(), Unimplemented,
               "matrix dimension ", d, " exceeds the BLAS limit of 2^31 - 1");
  }
  return absl::OkStatus();
}

// Row-major c[m, n] = op(a)[m, k] op(b)[k, n] + beta c, op = transpose when
// ta / tb. Float products run on oneDNN's GEMM, which picks its kernels
// from the processor's instruction sets: OpenBLAS picks them from the
// processor's model and falls back to its SSE3 kernels on models it does
// not know (3.5x slower on AVX-512 machines it misses; benchmarks/README.md).
// Double products run on CBLAS.
template <typename T>
absl::Status Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a,
                  int64_t lda, const T* b, int64_t ldb, T beta, T* c,
                  int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    const dnnl_status_t s = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k,
                                       1.0f, a, lda, b, ldb, beta, c, ldc);
    TG_REQUIRE(s == dnnl_success, Internal, "oneDNN sgemm of [", m, ",", k,
               "] by [", k, ",", n, "] failed (status ", static_cast<int>(s),
               ")");
  } else {
    const CBLAS_TRANSPOSE at = ta ? CblasTrans : CblasNoTrans;
    const CBLAS_TRANSPOSE bt = tb ? CblasTrans : CblasNoTrans;
    cblas_dgemm(CblasRowMajor, at, bt, m, n, k, 1.0, a, lda, b, ldb, beta, c,
                ldc);
  }
  return absl::OkStatus();
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_BLAS_H_
