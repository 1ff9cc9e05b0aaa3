#include "kernels/gpu/nccl.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "core/status.h"
#include "kernels/gpu/cuda_device.h"
#include "kernels/gpu/library_loader.h"

namespace tg {
namespace gpu {
namespace {

struct Api {
  decltype(&ncclGetUniqueId) get_unique_id = nullptr;
  decltype(&ncclCommInitRankConfig) init_rank_config = nullptr;
  decltype(&ncclCommDestroy) destroy = nullptr;
  decltype(&ncclCommAbort) abort = nullptr;
  decltype(&ncclCommGetAsyncError) async_error = nullptr;
  decltype(&ncclGetErrorString) error_string = nullptr;
  decltype(&ncclAllReduce) all_reduce = nullptr;
  absl::Status status;
};

const Api& Nccl() {
  static Api* const api = new Api();
  static absl::once_flag once;
  absl::call_once(once, [] {
    void* lib = OpenLibrary("NCCL", {"libnccl.so.2", "libnccl.so"},
                            "put NCCL's library folder on LD_LIBRARY_PATH",
                            &api->status);
    if (lib == nullptr) return;
    absl::Status& s = api->status;
    Resolve(lib, "NCCL", "ncclGetUniqueId", &api->get_unique_id, &s);
    Resolve(lib, "NCCL", "ncclCommInitRankConfig", &api->init_rank_config, &s);
    Resolve(lib, "NCCL", "ncclCommDestroy", &api->destroy, &s);
    Resolve(lib, "NCCL", "ncclCommAbort", &api->abort, &s);
    Resolve(lib, "NCCL", "ncclCommGetAsyncError", &api->async_error, &s);
    Resolve(lib, "NCCL", "ncclGetErrorString", &api->error_string, &s);
    Resolve(lib, "NCCL", "ncclAllReduce", &api->all_reduce, &s);
  });
  return *api;
}

// OK for ncclSuccess and ncclInProgress (a non-blocking call under way).
absl::Status NcclStatus(ncclResult_t r, const char* call) {
  if (r == ncclSuccess || r == ncclInProgress) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat(call, " failed: ", Nccl().error_string(r)));
}

absl::StatusOr<ncclDataType_t> NcclType(DataType t) {
  switch (t) {
    case DT_FLOAT:
      return ncclFloat32;
    case DT_DOUBLE:
      return ncclFloat64;
    case DT_INT32:
      return ncclInt32;
    case DT_INT64:
      return ncclInt64;
    case DT_HALF:
      return ncclFloat16;
    default:
      return absl::UnimplementedError(
          absl::StrCat("NCCL all-reduce of ", DataTypeName(t)));
  }
}

ncclRedOp_t NcclOp(MergeOp op, bool average) {
  switch (op) {
    case MergeOp::kAdd:
      return average ? ncclAvg : ncclSum;
    case MergeOp::kMul:
      return ncclProd;
    case MergeOp::kMin:
      return ncclMin;
    case MergeOp::kMax:
      return ncclMax;
  }
  return ncclSum;
}

using Clock = std::chrono::steady_clock;

// Now + `seconds`, clamped to a century: a graph's timeout attr can be
// any float, and the clock's integer ticks must not overflow.
Clock::time_point Deadline(double seconds) {
  const double bounded = seconds > 0 ? std::min(seconds, 3.2e9) : 0.0;
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(bounded));
}

}  // namespace

absl::StatusOr<std::shared_ptr<NcclCommunicator>> NcclCommunicator::Create(
    CollectiveContext& host, int ordinal, int64_t id_key,
    double timeout_seconds) {
  const Api& api = Nccl();
  TG_RETURN_IF_ERROR(api.status);
  // The id's 128 bytes travel as int32s: every host transport moves those.
  static_assert(sizeof(ncclUniqueId) % sizeof(int32_t) == 0);
  Tensor id(DT_INT32, TensorShape({int64_t{sizeof(ncclUniqueId) / 4}}));
  ncclUniqueId unique;
  if (host.rank() == 0) {
    TG_RETURN_IF_ERROR(
        NcclStatus(api.get_unique_id(&unique), "ncclGetUniqueId"));
    std::memcpy(id.raw_data(), &unique, sizeof(unique));
  }
  TG_RETURN_IF_ERROR(
      host.Broadcast({id_key, timeout_seconds}, host.rank() == 0, &id));
  std::memcpy(&unique, id.raw_data(), sizeof(unique));
  TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal));
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  ncclComm_t comm = nullptr;
  TG_RETURN_IF_ERROR(NcclStatus(
      api.init_rank_config(&comm, host.size(), unique, host.rank(), &config),
      "ncclCommInitRankConfig"));
  std::shared_ptr<NcclCommunicator> c(new NcclCommunicator(comm));
  TG_RETURN_IF_ERROR(c->Await("joining the NCCL communicator", timeout_seconds,
                              []() -> absl::StatusOr<bool> { return true; }));
  return c;
}

NcclCommunicator::~NcclCommunicator() {
  if (comm_ == nullptr) return;
  if (aborted_) return;
  Nccl().destroy(comm_);
}

absl::Status NcclCommunicator::Await(
    const char* what, double timeout_seconds,
    const std::function<absl::StatusOr<bool>()>& done) {
  const Api& api = Nccl();
  const Clock::time_point deadline = Deadline(timeout_seconds);
  while (true) {
    ncclResult_t r = ncclSuccess;
    TG_RETURN_IF_ERROR(
        NcclStatus(api.async_error(comm_, &r), "ncclCommGetAsyncError"));
    TG_RETURN_IF_ERROR(NcclStatus(r, what));
    if (r == ncclSuccess) {
      TG_ASSIGN_OR_RETURN(bool finished, done());
      if (finished) return absl::OkStatus();
    }
    if (Clock::now() > deadline) {
      api.abort(comm_);
      aborted_ = true;
      return absl::DeadlineExceededError(
          absl::StrCat(what, " did not complete within ", timeout_seconds,
                       " s: another worker died, hangs or runs another graph"));
    }
    std::this_thread::yield();
  }
}

absl::Status NcclCommunicator::AllReduce(const void* in, void* out,
                                         int64_t count, DataType dtype,
                                         MergeOp merge, bool average,
                                         cudaStream_t stream,
                                         double timeout_seconds) {
  TG_REQUIRE(!aborted_, FailedPrecondition,
             "the NCCL communicator was aborted after an earlier failure");
  TG_REQUIRE(!average || merge == MergeOp::kAdd, Unimplemented,
             "an averaged all-reduce must add (final_op Div after merge_op "
             "Add)");
  TG_ASSIGN_OR_RETURN(ncclDataType_t type, NcclType(dtype));
  const Api& api = Nccl();
  TG_RETURN_IF_ERROR(
      NcclStatus(api.all_reduce(in, out, static_cast<size_t>(count), type,
                                NcclOp(merge, average), comm_, stream),
                 "ncclAllReduce"));
  // Enqueued once NCCL reports no operation in progress; done once the
  // stream passed it. A peer that never joins keeps it there: bounded too.
  return Await("the NCCL all-reduce", timeout_seconds,
               [stream]() -> absl::StatusOr<bool> {
                 const cudaError_t e = cudaStreamQuery(stream);
                 if (e == cudaErrorNotReady) return false;
                 TG_RETURN_IF_ERROR(CudaStatus(e, "cudaStreamQuery"));
                 return true;
               });
}

}  // namespace gpu
}  // namespace tg
