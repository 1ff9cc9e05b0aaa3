// The float convolutions of one train_cnn step (batch 50) run through a
// session: forward, input gradient and filter gradient of both layers.
// The CPU path is oneDNN unless TG_CPU_CONV=im2col (im2col + SGEMM); run
// the binary once each way in one sitting and compare:
//   bazel-bin/benchmarks/conv_benchmark
//   TG_CPU_CONV=im2col bazel-bin/benchmarks/conv_benchmark
#include "benchmark/benchmark.h"
#include "benchmarks/random_tensor.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"

namespace tg {
namespace {

// range(0): the layer (1: 28x28x1 -> 32, 2: 14x14x32 -> 64); range(1): the
// pass (0 forward, 1 input gradient, 2 filter gradient).
void BM_Conv(benchmark::State& state) {
  const bool second = state.range(0) == 2;
  const int64_t size = second ? 14 : 28, in = second ? 32 : 1,
                out = second ? 64 : 32;
  const TensorShape xs{50, size, size, in}, fs{5, 5, in, out},
      ys{50, size, size, out};
  Scope root = Scope::NewRootScope();
  const Tensor x = RandomFloats(xs), f = RandomFloats(fs),
               dy = RandomFloats(ys);
  Output y;
  switch (state.range(1)) {
    case 0:
      y = ops::Conv2D(root, x, f);
      break;
    case 1:
      y = ops::Conv2DBackpropInput(
          root,
          Tensor::FromVector<int32_t>(
              {50, int32_t(size), int32_t(size), int32_t(in)}),
          f, dy);
      break;
    default:
      y = ops::Conv2DBackpropFilter(
          root, x,
          Tensor::FromVector<int32_t>({5, 5, int32_t(in), int32_t(out)}), dy);
  }
  // The inputs are constants: folding would compute the result once.
  SessionOptions options;
  options.graph_passes.constant_folding = false;
  ClientSession session(root, options);
  std::vector<Tensor> result;
  for (auto _ : state) {
    if (!session.Run({y}, &result).ok()) state.SkipWithError("run failed");
  }
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * 50 * size * size * out * 25 * in,
                         benchmark::Counter::kIsIterationInvariantRate,
                         benchmark::Counter::kIs1000);
}

BENCHMARK(BM_Conv)
    ->ArgNames({"layer", "pass"})
    ->ArgsProduct({{1, 2}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tg
