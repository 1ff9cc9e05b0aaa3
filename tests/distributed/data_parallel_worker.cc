// One worker of tests/distributed/data_parallel_test.sh, started by mpirun
// with 2 processes, training the reference MLP (784-512-512-10, sigmoid,
// SGD lr 0.5) data-parallel on synthetic digits. Modes:
//   equal          each rank initializes from its own seed; after the
//                  broadcast both hold rank 0's values (checked across the
//                  ranks with Max/Min all-reduces); then 50 steps, each
//                  rank taking 50 of the step's 100 examples. Rank 0 then
//                  trains the same model alone (no collective, batch 100,
//                  the same examples in the same order) and compares:
//                  every variable within 1e-5 of its largest magnitude.
//                  Again with Adam on resource variables (slots, handles),
//                  10 steps. Prints "rank R equal ok".
//   trainer DIR E  mnist::TrainClassifier for E epochs with checkpoints in
//                  DIR (resuming from one there), as train_mlp
//                  --distributed does.
//   killed DIR     trainer for many epochs; rank 1 kills itself (SIGKILL)
//                  after 1 s.
//   stalled DIR    trainer with a 2 s collective timeout; rank 1 stops
//                  itself (SIGSTOP) after 1 s, so rank 0 waits in vain.
// Exit 0 when the mode's expectation held (trainer: training succeeded).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>

#include "examples/mnist/classifier.h"
#include "examples/mnist/mlp.h"
#include "runtime/client_session.h"
#include "runtime/mpi_collective.h"

namespace tg {
namespace {

// `n` examples: the class is the brightest of ten pixel blocks.
mnist::Split Digits(int n, uint32_t seed) {
  mnist::Split split{Tensor(DT_FLOAT, TensorShape({n, 784})),
                     Tensor(DT_INT32, TensorShape({n}))};
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(0.0f, 0.5f);
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 10);
    split.labels.flat<int32_t>()[i] = label;
    for (int p = 0; p < 784; ++p) {
      split.images.flat<float>()[i * 784 + p] =
          noise(rng) + (p / 78 == label ? 0.5f : 0.0f);
    }
  }
  return split;
}

// Rows [begin, begin + n) of `t`.
Tensor Rows(const Tensor& t, int64_t begin, int64_t n) {
  TensorShape shape = t.shape();
  const int64_t row = t.NumElements() / shape.dim_size(0);
  shape.set_dim(0, n);
  Tensor out(t.dtype(), shape);
  std::memcpy(out.raw_data(),
              static_cast<const char*>(t.raw_data()) +
                  begin * row * DataTypeSize(t.dtype()),
              out.TotalBytes());
  return out;
}

int Fail(int rank, const std::string& what) {
  std::printf("rank %d FAILED: %s\n", rank, what.c_str());
  std::fflush(stdout);
  return 1;
}

// Whether every tensor of `values` is the same on every rank (elementwise
// max over the ranks equals the min).
absl::StatusOr<bool> SameOnAllRanks(CollectiveContext& ctx,
                                    const std::vector<Tensor>& values) {
  bool same = true;
  for (const Tensor& v : values) {
    Tensor max = Rows(v, 0, v.shape().dim_size(0));
    Tensor min = Rows(v, 0, v.shape().dim_size(0));
    TG_RETURN_IF_ERROR(ctx.AllReduce({900001, 0}, MergeOp::kMax, &max));
    TG_RETURN_IF_ERROR(ctx.AllReduce({900002, 0}, MergeOp::kMin, &min));
    for (int64_t i = 0; i < v.NumElements(); ++i) {
      same = same && max.flat<float>()[i] == min.flat<float>()[i];
    }
  }
  return same;
}

// Trains the MLP for `steps` steps; rank r of `size` takes rows
// [s * global + r * global / size, ...) of step s. `ctx` null: alone.
// The optimizer the MLP trains with, and its variables' kind.
struct Variant {
  const char* optimizer;
  float learning_rate;
  bool resource_variables;
  int steps;
};

absl::StatusOr<std::vector<Tensor>> Train(
    std::shared_ptr<CollectiveContext> ctx, const Variant& variant,
    int64_t seed, int global, const mnist::Split& data,
    std::vector<Tensor>* initial, std::vector<Tensor>* broadcast) {
  const int rank = ctx ? ctx->rank() : 0, size = ctx ? ctx->size() : 1;
  const int steps = variant.steps;
  Scope root = Scope::NewRootScope();
  mnist::MlpConfig config;
  config.optimizer = variant.optimizer;
  config.learning_rate = variant.learning_rate;
  config.resource_variables = variant.resource_variables;
  config.seed = seed;
  config.distributed = {rank, size};
  mnist::Mlp m = mnist::BuildMlp(root, config);
  TG_RETURN_IF_ERROR(root.status());
  SessionOptions options;
  if (ctx) options.collective = ctx;
  ClientSession session(root, options);
  TG_RETURN_IF_ERROR(session.Run({}, {}, {m.init}, nullptr));
  TG_RETURN_IF_ERROR(session.Run({}, m.variables, initial));
  if (m.broadcast.valid()) {
    TG_RETURN_IF_ERROR(session.Run({}, {}, {m.broadcast}, nullptr));
    TG_RETURN_IF_ERROR(session.Run({}, m.variables, broadcast));
  }
  const int local = global / size;
  for (int s = 0; s < steps; ++s) {
    const int64_t begin = int64_t(s) * global + int64_t(rank) * local;
    TG_RETURN_IF_ERROR(session.Run({{m.x, Rows(data.images, begin, local)},
                                    {m.y, Rows(data.labels, begin, local)}},
                                   {}, {m.train}, nullptr));
  }
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(session.Run({}, m.variables, &out));
  return out;
}

// The largest |a - b| of each variable over its largest |b|.
double WorstRelativeDifference(const std::vector<Tensor>& a,
                               const std::vector<Tensor>& b) {
  double worst = 0;
  for (size_t v = 0; v < a.size(); ++v) {
    double diff = 0, scale = 0;
    for (int64_t i = 0; i < b[v].NumElements(); ++i) {
      diff = std::max<double>(
          diff, std::fabs(a[v].flat<float>()[i] - b[v].flat<float>()[i]));
      scale = std::max<double>(scale, std::fabs(b[v].flat<float>()[i]));
    }
    worst = std::max(worst, diff / std::max(scale, 1e-30));
  }
  return worst;
}

// One variant of the equal mode: see the file comment.
int CheckEqual(std::shared_ptr<CollectiveContext> ctx, const Variant& v) {
  const int r = ctx->rank();
  constexpr int kBatch = 100;
  const mnist::Split data = Digits(v.steps * kBatch, 7);
  std::vector<Tensor> initial, broadcast;
  auto trained = Train(ctx, v, 1 + r, kBatch, data, &initial, &broadcast);
  if (!trained.ok()) return Fail(r, std::string(trained.status().message()));
  auto differ = SameOnAllRanks(*ctx, initial);
  auto same = SameOnAllRanks(*ctx, broadcast);
  auto same_after = SameOnAllRanks(*ctx, *trained);
  if (!differ.ok() || !same.ok() || !same_after.ok()) {
    return Fail(r, "comparing across the ranks");
  }
  if (*differ) return Fail(r, "the ranks' seeds gave the same variables");
  if (!*same) return Fail(r, "variables differ after the broadcast");
  if (!*same_after) return Fail(r, "variables differ after training");
  if (r != 0) return 0;
  if (WorstRelativeDifference(broadcast, initial) != 0) {
    return Fail(r, "the broadcast changed the root's variables");
  }
  std::vector<Tensor> alone_initial, unused;
  auto alone = Train(nullptr, v, 1, kBatch, data, &alone_initial, &unused);
  if (!alone.ok()) return Fail(r, std::string(alone.status().message()));
  // The first kernel (biases start at zero: no scale to compare with).
  const double moved =
      WorstRelativeDifference({(*alone)[0]}, {alone_initial[0]});
  const double diff = WorstRelativeDifference(*trained, *alone);
  std::printf(
      "rank 0, %s%s, %d steps: training moved the weights by %.3g relative; "
      "2 ranks x 50 vs 1 x 100 differ by %.3g relative\n",
      v.optimizer, v.resource_variables ? " (resource variables)" : "", v.steps,
      moved, diff);
  if (moved < 1e-2) return Fail(r, "training hardly moved the weights");
  if (!(diff <= 1e-5)) return Fail(r, "the two trainings differ");
  return 0;
}

int RunEqual(std::shared_ptr<CollectiveContext> ctx) {
  for (const Variant& v :
       {Variant{"sgd", 0.5f, false, 50}, Variant{"adam", 0.001f, true, 10}}) {
    if (CheckEqual(ctx, v) != 0) return 1;
  }
  std::printf("rank %d equal ok\n", ctx->rank());
  return 0;
}

int RunTrainer(std::shared_ptr<CollectiveContext> ctx, const std::string& dir,
               int epochs, float timeout) {
  const int r = ctx->rank();
  mnist::Dataset data{Digits(2000, 11), Digits(500, 12)};
  mnist::TrainOptions o;
  o.epochs = epochs;
  o.batch_size = 100;
  o.checkpoint_dir = dir;
  o.collective = ctx;
  Scope root = Scope::NewRootScope();
  mnist::MlpConfig config;
  config.seed = 1 + r;  // The broadcast must make them equal.
  config.distributed = o.distributed();
  config.distributed.timeout_seconds = timeout;
  mnist::Batches batches(root, data, false, o.local_batch(), &config.images,
                         &config.labels);
  mnist::Mlp m = mnist::BuildMlp(root, config);
  absl::Status s = root.status();
  if (s.ok()) s = mnist::TrainClassifier(root, m, data, batches, o);
  if (!s.ok()) {
    std::printf("rank %d: %s\n", r, std::string(s.message()).c_str());
    std::fflush(stdout);
    _exit(1);  // MPI is not finalized after a failed call.
  }
  return 0;
}

}  // namespace
}  // namespace tg

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "equal";
  auto ctx = tg::MpiCollectiveContext();
  if (!ctx.ok()) {
    std::printf("no MPI: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  if ((*ctx)->size() != 2) {
    std::printf("needs 2 processes, has %d\n", (*ctx)->size());
    return 1;
  }
  if (mode == "equal") return tg::RunEqual(*ctx);
  if (argc < 3) return tg::Fail((*ctx)->rank(), "no checkpoint folder given");
  const std::string dir = argv[2];
  if (mode == "trainer") {
    return tg::RunTrainer(*ctx, dir, argc > 3 ? std::atoi(argv[3]) : 1, 0);
  }
  if ((*ctx)->rank() == 1) {
    std::thread([mode] {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      kill(getpid(), mode == "killed" ? SIGKILL : SIGSTOP);
    }).detach();
  }
  return tg::RunTrainer(*ctx, dir, 1000, mode == "stalled" ? 2.0f : 0.0f);
}
