// General matrix products through CBLAS (OpenBLAS by default; see
// benchmarks/README.md for the library comparison), for float and double.
#ifndef TG_KERNELS_CPU_BLAS_H_
#define TG_KERNELS_CPU_BLAS_H_

#include <cblas.h>

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
// ta / tb.
template <typename T>
void Gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const CBLAS_TRANSPOSE at = ta ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE bt = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, at, bt, m, n, k, 1.0f, a, lda, b, ldb, beta, c,
                ldc);
  } else {
    cblas_dgemm(CblasRowMajor, at, bt, m, n, k, 1.0, a, lda, b, ldb, beta, c,
                ldc);
  }
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_BLAS_H_
