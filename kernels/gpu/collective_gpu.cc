// CollectiveReduceV2 on tensors in GPU memory, through NCCL (nccl.h): the
// communicator is made on the first call, from an id the session's
// CollectiveContext broadcasts, and kept with that context. Before each
// all-reduce the ranks agree, over the host context, on the element count
// and dtype (its instance key checked there too), so a mismatch is named
// rather than left to NCCL. Collectives are not recorded into CUDA Graphs:
// a replay would skip the agreement and the bounded wait.
#include "kernels/common/collective_keys.h"
#include "kernels/gpu/gpu_kernel.h"
#include "kernels/gpu/nccl.h"

namespace tg {
namespace gpu {
namespace {

// Instance keys the communicator's id is broadcast with, one per GPU: far
// above any key a graph or the trainers use.
constexpr int64_t kNcclIdKey = int64_t{1} << 40;

// Every rank's (count, dtype) must be the same: the max of each and of its
// negation over the ranks say whether they are.
absl::Status Agree(CollectiveContext& host, const CollectiveCall& call,
                   int64_t count, DataType dtype) {
  const int64_t type = static_cast<int64_t>(dtype);
  Tensor t = Tensor::FromVector<int64_t>({count, type, -count, -type});
  TG_RETURN_IF_ERROR(host.AllReduce(call, MergeOp::kMax, &t));
  const int64_t* v = t.data<int64_t>();
  TG_REQUIRE(v[0] == -v[2] && v[1] == -v[3], FailedPrecondition, "rank ",
             host.rank(), " of ", host.size(),
             ": the processes disagree on the all-reduce (instance_key ",
             call.instance_key, "): element counts from ", -v[2], " to ", v[0],
             ", dtypes ", DataTypeName(static_cast<DataType>(-v[3])), " to ",
             DataTypeName(static_cast<DataType>(v[1])));
  return absl::OkStatus();
}

class CollectiveReduceGpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    collective_ = c.collective();
    TG_ASSIGN_OR_RETURN(float timeout, c.GetAttr<float>("timeout_seconds"));
    call_.timeout_seconds = timeout;
    TG_ASSIGN_OR_RETURN(std::string merge, c.GetAttr<std::string>("merge_op"));
    TG_ASSIGN_OR_RETURN(merge_, ParseMergeOp(merge));
    TG_ASSIGN_OR_RETURN(std::string final_op,
                        c.GetAttr<std::string>("final_op"));
    average_ = final_op == "Div";
    TG_REQUIRE(!average_ || merge_ == MergeOp::kAdd, Unimplemented,
               "final_op Div after merge_op ", merge,
               " on a GPU (NCCL averages sums only)");
    return absl::OkStatus();
  }

  absl::Status Compute(OpKernelContext& ctx) override {
    CollectiveCall call = call_;
    TG_RETURN_IF_ERROR(ReadCollectiveKeys(ctx, 1, *collective_, &call));
    cudaStream_t stream = Stream(ctx);
    cudaStreamCaptureStatus capturing = cudaStreamCaptureStatusNone;
    TG_CUDA_RETURN_IF_ERROR(cudaStreamIsCapturing(stream, &capturing));
    TG_REQUIRE(capturing == cudaStreamCaptureStatusNone, FailedPrecondition,
               "collectives are not recorded into a CUDA Graph (each step "
               "checks the other ranks)");
    const double timeout = call.timeout_seconds > 0
                               ? call.timeout_seconds
                               : collective_->default_timeout_seconds();
    const Tensor& x = ctx.input(0);
    TG_RETURN_IF_ERROR(Agree(*collective_, call, x.NumElements(), x.dtype()));
    TG_ASSIGN_OR_RETURN(NcclCommunicator * comm, Communicator(ctx, timeout));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    if (x.NumElements() == 0) return absl::OkStatus();
    return comm->AllReduce(x.raw_data(), out->raw_data(), x.NumElements(),
                           x.dtype(), merge_, average_, stream, timeout);
  }

 private:
  // The communicator of this GPU and the session's context.
  absl::StatusOr<NcclCommunicator*> Communicator(OpKernelContext& ctx,
                                                 double timeout) {
    const int ordinal = GpuDevice(ctx)->ordinal();
    CollectiveContext& host = *collective_;
    TG_ASSIGN_OR_RETURN(
        std::shared_ptr<void> state,
        host.DeviceState(absl::StrCat("nccl:", ordinal),
                         [&]() -> absl::StatusOr<std::shared_ptr<void>> {
                           return NcclCommunicator::Create(
                               host, ordinal, kNcclIdKey + ordinal, timeout);
                         }));
    return static_cast<NcclCommunicator*>(state.get());
  }

  CollectiveContext* collective_ = nullptr;
  CollectiveCall call_;
  MergeOp merge_ = MergeOp::kAdd;
  bool average_ = false;
};

#define TG_GPU_COLLECTIVE_REDUCE(T)                                          \
  TG_REGISTER_KERNEL(GpuKernel("CollectiveReduceV2").TypeConstraint<T>("T"), \
                     CollectiveReduceGpu)
TG_GPU_COLLECTIVE_REDUCE(float);
TG_GPU_COLLECTIVE_REDUCE(double);
TG_GPU_COLLECTIVE_REDUCE(int32_t);
TG_GPU_COLLECTIVE_REDUCE(int64_t);

}  // namespace
}  // namespace gpu
}  // namespace tg
