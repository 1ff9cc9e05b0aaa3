// The all-reduce that data-parallel training of the reference MLP makes
// each step (669,706 floats, its gradients fused into one buffer), timed
// three ways in one run under mpirun:
//   mpi       MPI_Allreduce on the buffer, in place: the engine alone;
//   mpi-nb    MPI_Iallreduce + MPI_Wait: its non-blocking form;
//   context   MpiCollectiveContext::AllReduce (the agreement on key, dtype
//             and count, then MPI_Iallreduce polled against a deadline):
//             what a CollectiveReduceV2 kernel pays;
//   step      a session running one CollectiveReduceV2 (Add, Div) on a fed
//             tensor: the op as a graph uses it, feed and fetch included.
// Prints, on rank 0, the median time per call of each over ROUNDS rounds of
// REPS calls, and the ring all-reduce's bus bandwidth
// 2 (N - 1) / N x bytes / time.
//
//   mpirun -np 2 bazel-bin/benchmarks/allreduce_benchmark [REPS=200]
//     [ROUNDS=5] [ELEMENTS=669706]
#include <mpi/mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/mpi_collective.h"

namespace tg {
namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double MedianSeconds(int rounds, int reps, F&& call) {
  std::vector<double> times;
  for (int r = 0; r < rounds; ++r) {
    MPI_Barrier(MPI_COMM_WORLD);
    const auto start = Clock::now();
    for (int i = 0; i < reps; ++i) call();
    times.push_back(
        std::chrono::duration<double>(Clock::now() - start).count() / reps);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int Run(int reps, int rounds, int64_t elements) {
  auto ctx = MpiCollectiveContext();
  if (!ctx.ok()) {
    std::fprintf(stderr, "%s\n", std::string(ctx.status().message()).c_str());
    return 1;
  }
  const int size = (*ctx)->size();
  Tensor buffer(DT_FLOAT, TensorShape({elements}));
  std::fill_n(buffer.data<float>(), elements, 1.0f);
  const double mpi = MedianSeconds(rounds, reps, [&] {
    MPI_Allreduce(MPI_IN_PLACE, buffer.raw_data(), static_cast<int>(elements),
                  MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
  });
  const double nonblocking = MedianSeconds(rounds, reps, [&] {
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, buffer.raw_data(), static_cast<int>(elements),
                   MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request);
    MPI_Wait(&request, MPI_STATUS_IGNORE);
  });
  absl::Status status;
  const double context = MedianSeconds(rounds, reps, [&] {
    status.Update((*ctx)->AllReduce({7, 0}, MergeOp::kAdd, &buffer));
  });
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output y = ops::CollectiveReduce(root, x, {size, 1, 8}, "Add", "Div");
  SessionOptions options;
  options.collective = *ctx;
  ClientSession session(root, options);
  std::vector<Tensor> out;
  const double step = MedianSeconds(rounds, reps, [&] {
    status.Update(session.Run({{x, buffer}}, {y}, &out));
  });
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 1;
  }
  if ((*ctx)->rank() == 0) {
    const double bytes = 4.0 * static_cast<double>(elements);
    const double factor = 2.0 * (size - 1) / size;
    std::printf("%d ranks, %lld floats (%.0f bytes), median of %d x %d:\n",
                size, static_cast<long long>(elements), bytes, rounds, reps);
    for (const auto& [name, t] : {std::pair<const char*, double>{"mpi", mpi},
                                  {"mpi-nb", nonblocking},
                                  {"context", context},
                                  {"step", step}}) {
      std::printf("  %-8s %8.3f ms  bus bandwidth %6.2f GB/s\n", name, t * 1e3,
                  factor * bytes / t / 1e9);
    }
  }
  return 0;
}

}  // namespace
}  // namespace tg

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 200;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const long long elements = argc > 3 ? std::atoll(argv[3]) : 669706;
  if (reps < 1 || rounds < 1 || elements < 1 || elements > (1LL << 30)) {
    std::fprintf(stderr,
                 "usage: allreduce_benchmark [REPS] [ROUNDS] [ELEMENTS]\n");
    return 1;
  }
  return tg::Run(reps, rounds, elements);
}
