// NCCL, opened at run time (as cuBLAS is): one communicator per GPU and
// CollectiveContext, joined by every rank of the context, for all-reduces
// of tensors in GPU memory on the device's stream.
//
// Every call is bounded: the communicator is created non-blocking and each
// wait (joining, enqueuing, the all-reduce finishing on the stream) polls
// NCCL's asynchronous error and a deadline; past the deadline the
// communicator is aborted (a peer that died or hangs can no longer be
// waited on) and the call fails with DeadlineExceeded. An aborted
// communicator fails every later call at once.
#ifndef TG_KERNELS_GPU_NCCL_H_
#define TG_KERNELS_GPU_NCCL_H_

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "core/collective.h"

namespace tg {
namespace gpu {

class NcclCommunicator {
 public:
  // Joins the communicator of `host`'s ranks on GPU `ordinal`: rank 0 makes
  // the unique id and `host` broadcasts it (instance key `id_key`). Every
  // rank calls it, in the same order as its other collectives.
  static absl::StatusOr<std::shared_ptr<NcclCommunicator>> Create(
      CollectiveContext& host, int ordinal, int64_t id_key,
      double timeout_seconds);
  ~NcclCommunicator();

  // out = merge over the ranks of `in` (count elements of `dtype`; out may
  // be in), averaged when `average` (merge must then be kAdd), enqueued on
  // `stream`; returns once it finished there.
  absl::Status AllReduce(const void* in, void* out, int64_t count,
                         DataType dtype, MergeOp merge, bool average,
                         cudaStream_t stream, double timeout_seconds);

 private:
  explicit NcclCommunicator(ncclComm_t comm) : comm_(comm) {}
  // Polls until NCCL has no operation in progress and `done` says true;
  // an NCCL error, or the deadline passing (the communicator is then
  // aborted), fails with `what` named.
  absl::Status Await(const char* what, double timeout_seconds,
                     const std::function<absl::StatusOr<bool>()>& done);
  ncclComm_t comm_;
  bool aborted_ = false;
};

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_NCCL_H_
