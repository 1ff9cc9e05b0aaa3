// One worker of tests/distributed/collective_test.sh, started by mpirun
// with 2 processes. Modes:
//   ok        CollectiveReduceV2 (sum, mean, max) of rank-dependent values,
//             its gradient, CollectiveBcastSendV2/RecvV2; values checked
//             against sums computed here; prints "rank R ok".
//   mismatch  the ranks use different instance keys: both must fail naming
//             the node and the keys.
//   shapes    the ranks reduce tensors of different sizes under one key:
//             both must fail naming the element counts.
//   hang      rank 1 never joins; rank 0's all-reduce must fail within
//             its 2 s timeout.
//   dies      rank 1 exits at once; the launcher stops rank 0, which must
//             say why in one line.
// Exit 0 when the mode's expectation held, 1 otherwise.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "graph/gradients.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/mpi_collective.h"

namespace tg {
namespace {

Output Reduce(const Scope& s, const Output& x, const char* merge,
              const char* final_op, int instance, float timeout = 0) {
  return ops::CollectiveReduce(s, x, {2, 1, instance, timeout}, merge,
                               final_op);
}

int Fail(int rank, const std::string& what) {
  std::printf("rank %d FAILED: %s\n", rank, what.c_str());
  return 1;
}

int RunOk(std::shared_ptr<CollectiveContext> ctx) {
  const int r = ctx->rank();
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output sum = Reduce(root, x, "Add", "Id", 1);
  Output mean = Reduce(root, x, "Add", "Div", 2);
  Output max = Reduce(root, x, "Max", "Id", 3);
  std::vector<Output> grad;
  absl::Status gs = AddSymbolicGradients(
      root, {ops::Sum(root, ops::Mul(root, sum, x), {0})}, {x}, &grad);
  Output sent = ops::CollectiveBcastSend(
      root, ops::Const(root, {7.0f, 8.0f, 9.0f}), {2, 1, 4});
  Output received = ops::CollectiveBcastRecv(root, DT_FLOAT,
                                             ops::Const(root, {3}), {2, 1, 4});
  if (!gs.ok() || !root.ok()) return Fail(r, "building the graph");
  SessionOptions options;
  options.collective = ctx;
  ClientSession session(root, options);
  // Rank r holds [r + 1, 10 (r + 1)].
  const Tensor mine = Tensor::FromVector<float>({r + 1.0f, 10.0f * (r + 1)});
  std::vector<Tensor> out;
  absl::Status s = session.Run({{x, mine}}, {sum, mean, max, grad[0]}, &out);
  if (!s.ok()) return Fail(r, std::string(s.message()));
  const float want_sum[2] = {3, 30}, want_max[2] = {2, 20};
  for (int i = 0; i < 2; ++i) {
    if (out[0].flat<float>()[i] != want_sum[i] ||
        out[1].flat<float>()[i] != want_sum[i] / 2 ||
        out[2].flat<float>()[i] != want_max[i]) {
      return Fail(r, "reduced values");
    }
    // d/dx_r sum_i(S_i x_r,i) = S + sum over ranks of x (the all-reduced
    // gradient of S) = want_sum + want_sum.
    if (out[3].flat<float>()[i] != 2 * want_sum[i]) return Fail(r, "gradient");
  }
  s = session.Run({r == 0 ? sent : received}, &out);
  if (!s.ok()) return Fail(r, std::string(s.message()));
  for (int i = 0; i < 3; ++i) {
    if (out[0].flat<float>()[i] != 7.0f + i) return Fail(r, "broadcast");
  }
  std::printf("rank %d ok\n", r);
  return 0;
}

int RunExpectingError(std::shared_ptr<CollectiveContext> ctx,
                      const std::string& mode) {
  const int r = ctx->rank();
  if (r == 1 && (mode == "hang" || mode == "dies")) {
    std::printf("rank 1 %s\n", mode == "hang" ? "hangs" : "dies");
    std::fflush(stdout);
    if (mode == "dies") _exit(1);
    sleep(20);
    _exit(0);
  }
  Scope root = Scope::NewRootScope();
  // "shapes": rank 1 reduces three elements where rank 0 reduces two.
  Output x = mode == "shapes" && r == 1 ? ops::Const(root, {1.0f, 2.0f, 3.0f})
                                        : ops::Const(root, {1.0f, 2.0f});
  Output y = Reduce(root.WithOpName("reduce"), x, "Add", "Id",
                    mode == "mismatch" ? 10 + r : 1, 2.0f);
  SessionOptions options;
  options.collective = ctx;
  ClientSession session(root, options);
  std::vector<Tensor> out;
  const auto start = std::chrono::steady_clock::now();
  absl::Status s = session.Run({y}, &out);
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("rank %d: %s (%.1f s)\n", r, std::string(s.message()).c_str(),
              took);
  const char* named = mode == "mismatch" ? "disagree on the instance_key"
                                         : "disagree on the element count";
  const bool expected =
      mode == "mismatch" || mode == "shapes"
          ? s.code() == absl::StatusCode::kFailedPrecondition &&
                s.message().find(named) != std::string::npos
          : s.code() == absl::StatusCode::kDeadlineExceeded && took < 10;
  std::fflush(stdout);
  _exit(expected ? 0 : 1);  // MPI is not finalized after a failed call.
}

}  // namespace
}  // namespace tg

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "ok";
  auto ctx = tg::MpiCollectiveContext();
  if (!ctx.ok()) {
    std::printf("no MPI: %s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  if ((*ctx)->size() != 2) {
    std::printf("needs 2 processes, has %d\n", (*ctx)->size());
    return 1;
  }
  if (mode == "ok") return tg::RunOk(*ctx);
  return tg::RunExpectingError(*ctx, mode);
}
