// _FusedMatMul against the three kernels it replaces (MatMul, BiasAdd,
// Sigmoid), on the reference MLP's layers at batch 100, through a session
// with the input fed each run: the fused graph is what the graph passes
// make of the unfused one (graph/passes/passes.h).
//   bazel run -c opt //benchmarks:fused_matmul_benchmark
#include "benchmark/benchmark.h"
#include "benchmarks/random_tensor.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"

namespace tg {
namespace {

// range(0): in features, range(1): out features; range(2): 1 fused.
void BM_DenseSigmoid(benchmark::State& state) {
  const int64_t in = state.range(0), out = state.range(1), batch = 100;
  const bool fused = state.range(2) == 1;
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output w = ops::Variable(root.WithOpName("w"), PartialShape::Of({in, out}),
                           DT_FLOAT);
  Output b =
      ops::Variable(root.WithOpName("b"), PartialShape::Of({out}), DT_FLOAT);
  Output init_w = ops::Assign(root, w, RandomFloats(TensorShape({in, out})));
  Output init_b = ops::Assign(root, b, RandomFloats(TensorShape({out})));
  Output y = ops::Sigmoid(root, ops::BiasAdd(root, ops::MatMul(root, x, w), b));
  SessionOptions options;
  if (!fused) options.graph_passes.fuse_matmul = false;
  ClientSession session(root, options);
  std::vector<Tensor> result;
  if (!session.Run({}, {}, {init_w.op(), init_b.op()}, nullptr).ok()) {
    state.SkipWithError("init failed");
    return;
  }
  absl::StatusOr<CallableHandle> h = session.MakeCallable({x}, {y}, {});
  const std::vector<Tensor> feeds = {RandomFloats(TensorShape({batch, in}))};
  for (auto _ : state) {
    if (!h.ok() || !session.RunCallable(*h, feeds, &result).ok()) {
      state.SkipWithError("run failed");
      break;
    }
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * batch * in * out, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}

BENCHMARK(BM_DenseSigmoid)
    ->ArgNames({"in", "out", "fused"})
    ->ArgsProduct({{784}, {512}, {0, 1}})
    ->ArgsProduct({{512}, {512}, {0, 1}})
    ->ArgsProduct({{512}, {10}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tg
