// SGEMM on the reference MLP's shapes (batch 100), the three products of a
// training step for each layer: forward x W, weight gradient x^T dy, input
// gradient dy W^T. The same source is linked against each BLAS candidate
// (gemm_benchmark_openblas, gemm_benchmark_blis) and against oneDNN's
// dnnl_sgemm (gemm_benchmark_onednn, what float MatMul uses); run them in
// one sitting and compare GFLOP/s.
#ifdef TG_GEMM_ONEDNN
#include "oneapi/dnnl/dnnl.h"
#else
#include <cblas.h>
#endif

#include <random>
#include <vector>

#include "benchmark/benchmark.h"

namespace {

void BM_Sgemm(benchmark::State& state) {
  const int m = state.range(0), k = state.range(1), n = state.range(2);
  const bool ta = state.range(3) != 0, tb = state.range(4) != 0;
  std::vector<float> a(size_t(m) * k), b(size_t(k) * n), c(size_t(m) * n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : a) v = u(rng);
  for (float& v : b) v = u(rng);
  for (auto _ : state) {
#ifdef TG_GEMM_ONEDNN
    dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, a.data(),
               ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
#else
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a.data(),
                ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
#endif
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * m * n * k, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}

// {m, k, n, transpose_a, transpose_b}
BENCHMARK(BM_Sgemm)
    ->ArgNames({"m", "k", "n", "ta", "tb"})
    ->Args({100, 784, 512, 0, 0})    // layer 1 forward
    ->Args({784, 100, 512, 1, 0})    // layer 1 weight gradient
    ->Args({100, 512, 512, 0, 0})    // layer 2 forward
    ->Args({512, 100, 512, 1, 0})    // layer 2 weight gradient
    ->Args({100, 512, 512, 0, 1})    // layer 2 input gradient
    ->Args({100, 512, 10, 0, 0})     // layer 3 forward
    ->Args({10000, 784, 512, 0, 0})  // validation, layer 1
    ->Args({1024, 1024, 1024, 0, 0})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
