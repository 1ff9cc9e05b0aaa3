// Per-node cost of the executor: a chain of N small Adds (y = y + one over
// a 4-float tensor), run step after step. Prints nanoseconds per Add
// through a callable (the per-step path train_mlp uses), through
// Session::Run (with its signature lookup) and with memory planning off.
// benchmarks/compare_chain.sh runs it beside PyTorch eager and TorchScript
// doing the same adds.
//
// Usage: chain_overhead [NODES=500] [STEPS=35000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ops/standard_ops.h"
#include "runtime/client_session.h"

namespace tg {
namespace {

struct Chain {
  Scope root = Scope::NewRootScope();
  Output x, y;
  explicit Chain(int nodes) {
    x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
    Output one = ops::Const(root.WithOpName("one"), {1.0f, 1.0f, 1.0f, 1.0f});
    y = x;
    for (int i = 0; i < nodes; ++i) y = ops::Add(root, y, one);
  }
};

// Nanoseconds per node of `run`: the median of 7 rounds of steps / 7 runs
// each (after a warm-up of steps / 5 runs), so a burst of load on a shared
// machine does not decide the figure.
template <typename F>
double TimePerNode(int nodes, int steps, F run) {
  // Warm-up long enough for the processor to reach its steady clock.
  for (int i = 0; i < steps / 5; ++i) run();
  constexpr int kRounds = 7;
  const int per_round = std::max(1, steps / kRounds);
  std::vector<double> rounds;
  for (int r = 0; r < kRounds; ++r) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < per_round; ++i) run();
    const std::chrono::duration<double, std::nano> d =
        std::chrono::steady_clock::now() - start;
    rounds.push_back(d.count() / per_round / nodes);
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[kRounds / 2];
}

int Main(int nodes, int steps) {
  const Tensor x = Tensor::FromVector<float>({0, 1, 2, 3});
  for (bool plan : {true, false}) {
    Chain chain(nodes);
    SessionOptions options;
    options.plan_memory = plan;
    options.intra_op_threads = 1;
    ClientSession session(chain.root, options);
    absl::StatusOr<CallableHandle> h =
        session.MakeCallable({chain.x}, {chain.y}, {});
    std::vector<Tensor> out;
    const std::vector<Tensor> feeds = {x};
    if (!h.ok() || !session.RunCallable(*h, feeds, &out).ok() ||
        out[0].flat<float>()[0] != static_cast<float>(nodes)) {
      std::fprintf(stderr, "chain_overhead: the chain did not run right\n");
      return 1;
    }
    const double callable = TimePerNode(nodes, steps, [&] {
      session.RunCallable(*h, feeds, &out).IgnoreError();
    });
    const ClientSession::FeedType feed_map = {{chain.x, x}};
    const double run = TimePerNode(nodes, steps, [&] {
      session.Run(feed_map, {chain.y}, &out).IgnoreError();
    });
    std::printf(
        "tensorgraph %d-node chain, memory plan %s: %.1f ns per node "
        "(callable), %.1f ns per node (Session::Run)\n",
        nodes, plan ? "on " : "off", callable, run);
  }
  return 0;
}

}  // namespace
}  // namespace tg

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::atoi(argv[1]) : 500;
  const int steps = argc > 2 ? std::atoi(argv[2]) : 35000;
  if (nodes < 1 || steps < 1) {
    std::fprintf(stderr, "usage: chain_overhead [NODES>=1] [STEPS>=1]\n");
    return 1;
  }
  return tg::Main(nodes, steps);
}
