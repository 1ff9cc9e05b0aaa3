#include "runtime/mpi_collective.h"

#include <mpi/mpi.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status.h"

namespace tg {
namespace {

absl::StatusOr<MPI_Datatype> MpiType(DataType t) {
  switch (static_cast<int>(t)) {
    case DT_FLOAT:
      return MPI_FLOAT;
    case DT_DOUBLE:
      return MPI_DOUBLE;
    case DT_INT32:
      return MPI_INT32_T;
    case DT_INT64:
      return MPI_INT64_T;
    case DT_BOOL:
      return MPI_C_BOOL;
    case DT_HALF:
      return MPI_UINT16_T;  // Moved, never merged.
    default:
      return absl::UnimplementedError(
          absl::StrCat("collectives of ", DataTypeName(t), " tensors"));
  }
}

MPI_Op MpiOp(MergeOp op) {
  switch (op) {
    case MergeOp::kAdd:
      return MPI_SUM;
    case MergeOp::kMul:
      return MPI_PROD;
    case MergeOp::kMin:
      return MPI_MIN;
    case MergeOp::kMax:
      return MPI_MAX;
  }
  return MPI_SUM;
}

class MpiContext final : public CollectiveContext {
 public:
  explicit MpiContext(const MpiOptions& options) : options_(options) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiContext() override {
    // A failed call may have left other ranks inside it: finalizing would
    // wait for them.
    if (!broken_) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string name() const override { return "mpi"; }
  double default_timeout_seconds() const override {
    return options_.default_timeout_seconds;
  }

  absl::Status AllReduce(const CollectiveCall& call, MergeOp op,
                         Tensor* t) override {
    absl::MutexLock lock(&mu_);
    TG_RETURN_IF_ERROR(Usable());
    TG_ASSIGN_OR_RETURN(MPI_Datatype type, MpiType(t->dtype()));
    TG_RETURN_IF_ERROR(Agree(call, *t, /*root=*/-1));
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, t->raw_data(),
                   static_cast<int>(t->NumElements()), type, MpiOp(op),
                   MPI_COMM_WORLD, &request);
    return Wait(call, &request, "the all-reduce");
  }

  absl::Status Broadcast(const CollectiveCall& call, bool is_sender,
                         Tensor* t) override {
    absl::MutexLock lock(&mu_);
    TG_RETURN_IF_ERROR(Usable());
    TG_ASSIGN_OR_RETURN(MPI_Datatype type, MpiType(t->dtype()));
    TG_RETURN_IF_ERROR(Agree(call, *t, is_sender ? rank_ : -1));
    TG_REQUIRE(root_ >= 0, FailedPrecondition, "rank ", rank_,
               ": no process sends this broadcast");
    MPI_Request request;
    MPI_Ibcast(t->raw_data(), static_cast<int>(t->NumElements()), type, root_,
               MPI_COMM_WORLD, &request);
    return Wait(call, &request, "the broadcast");
  }

 private:
  absl::Status Usable() const {
    TG_REQUIRE(!broken_, FailedPrecondition,
               "an earlier collective failed; the processes no longer agree");
    return absl::OkStatus();
  }

  // Every rank's (instance key, dtype, element count) must be the same;
  // for a broadcast exactly one rank sends (sets root_). MAX of each value
  // and of its negation gives the range over ranks in one call.
  absl::Status Agree(const CollectiveCall& call, const Tensor& t, int root) {
    const int64_t mine[3] = {call.instance_key, t.dtype(), t.NumElements()};
    int64_t v[8];
    for (int i = 0; i < 3; ++i) {
      v[2 * i] = mine[i];
      v[2 * i + 1] = -mine[i];
    }
    // The highest and (negated) lowest sending rank; -1 / INT64_MIN: none.
    v[6] = root;
    v[7] = root >= 0 ? -root : std::numeric_limits<int64_t>::min();
    MPI_Request request;
    MPI_Iallreduce(MPI_IN_PLACE, v, 8, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD,
                   &request);
    TG_RETURN_IF_ERROR(Wait(call, &request, "agreeing on the collective"));
    const char* what[3] = {"instance_key", "dtype", "element count"};
    for (int i = 0; i < 3; ++i) {
      if (v[2 * i] == -v[2 * i + 1]) continue;
      broken_ = true;
      return absl::FailedPreconditionError(absl::StrCat(
          "rank ", rank_, " of ", size_, ": the processes disagree on the ",
          what[i], " (this one ", mine[i], ", all from ", -v[2 * i + 1], " to ",
          v[2 * i],
          "); every worker must run the same graph in the same order"));
    }
    const bool broadcast = v[6] >= 0;
    if (broadcast && v[6] != -v[7]) {
      broken_ = true;
      return absl::FailedPreconditionError(
          absl::StrCat("rank ", rank_, ": ranks ", -v[7], " and ", v[6],
                       " both send one broadcast; exactly one may"));
    }
    root_ = static_cast<int>(v[6]);
    return absl::OkStatus();
  }

  // Waits for `request` until the call's deadline, polling.
  absl::Status Wait(const CollectiveCall& call, MPI_Request* request,
                    const char* what) {
    const double seconds = call.timeout_seconds > 0
                               ? call.timeout_seconds
                               : options_.default_timeout_seconds;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration<double>(seconds);
    for (;;) {
      int done = 0;
      MPI_Test(request, &done, MPI_STATUS_IGNORE);
      if (done) return absl::OkStatus();
      if (std::chrono::steady_clock::now() > deadline) break;
      sched_yield();
    }
    broken_ = true;
    return absl::DeadlineExceededError(absl::StrCat(
        "rank ", rank_, " of ", size_, ": ", what, " (instance_key ",
        call.instance_key, ") did not complete within ", seconds,
        " s: another worker died, hangs or runs another graph"));
  }

  const MpiOptions options_;
  int rank_ = 0, size_ = 1;
  absl::Mutex mu_;
  bool broken_ = false;
  int root_ = 0;
};

// The launcher stops the other processes when one of them dies (Open MPI
// sends SIGTERM): one line says so instead of a silent end.
char stop_message[160];
size_t stop_message_size = 0;

void OnStop(int) {
  ssize_t unused = write(STDERR_FILENO, stop_message, stop_message_size);
  (void)unused;
  _exit(1);
}

void ExplainStops(int rank, int size) {
  const std::string text = absl::StrCat(
      "rank ", rank, " of ", size,
      ": stopped by the launcher: another process of the job ended (see its "
      "output)\n");
  stop_message_size = std::min(text.size(), sizeof(stop_message));
  std::memcpy(stop_message, text.data(), stop_message_size);
  std::signal(SIGTERM, OnStop);
}

}  // namespace

bool LaunchedByMpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

int MpiLocalRank() {
  for (const char* v : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID"}) {
    int rank = 0;
    const char* value = std::getenv(v);
    if (value != nullptr && absl::SimpleAtoi(value, &rank) && rank >= 0) {
      return rank;
    }
  }
  return 0;
}

absl::StatusOr<std::shared_ptr<CollectiveContext>> MpiCollectiveContext(
    const MpiOptions& options) {
  static absl::Mutex mu(absl::kConstInit);
  static std::weak_ptr<CollectiveContext>* current =
      new std::weak_ptr<CollectiveContext>();
  absl::MutexLock lock(&mu);
  if (auto existing = current->lock()) return existing;
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  TG_REQUIRE(!finalized, FailedPrecondition,
             "MPI was finalized in this process; it cannot start again");
  if (!initialized) {
    int provided = 0;
    TG_REQUIRE(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED,
                               &provided) == MPI_SUCCESS,
               Unavailable, "MPI_Init_thread failed");
  }
  auto context = std::make_shared<MpiContext>(options);
  if (context->size() > 1) ExplainStops(context->rank(), context->size());
  *current = context;
  return std::shared_ptr<CollectiveContext>(std::move(context));
}

}  // namespace tg
