// Collective kernels on host tensors: the session's CollectiveContext
// (core/collective.h) moves the data; here the keys are checked and the
// output made. group_size must be the context's size (one group: every
// process); group_key is accepted as given.
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/collective.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"
#include "kernels/common/collective_keys.h"

namespace tg {
namespace {

class CollectiveKernel : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    collective_ = c.collective();
    TG_ASSIGN_OR_RETURN(float timeout, c.GetAttr<float>("timeout_seconds"));
    call_.timeout_seconds = timeout;
    return absl::OkStatus();
  }

 protected:
  absl::Status ReadKeys(const OpKernelContext& ctx, int first,
                        CollectiveCall* call) const {
    return ReadCollectiveKeys(ctx, first, *collective_, call);
  }
  // The output, a copy of input `in` (collectives work in place).
  absl::StatusOr<Tensor*> CopyToOutput(OpKernelContext& ctx, int in) const {
    const Tensor& x = ctx.input(in);
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    if (x.TotalBytes() > 0) {
      std::memcpy(out->raw_data(), x.raw_data(), x.TotalBytes());
    }
    return out;
  }

  CollectiveContext* collective_ = nullptr;
  CollectiveCall call_;
};

template <typename T>
void DivideBy(Tensor* t, int n) {
  for (T& v : t->flat<T>()) v /= static_cast<T>(n);
}

template <typename T>
class CollectiveReduceCpu : public CollectiveKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(CollectiveKernel::Init(c));
    TG_ASSIGN_OR_RETURN(std::string merge, c.GetAttr<std::string>("merge_op"));
    TG_ASSIGN_OR_RETURN(merge_, ParseMergeOp(merge));
    TG_ASSIGN_OR_RETURN(std::string final_op,
                        c.GetAttr<std::string>("final_op"));
    divide_ = final_op == "Div";
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    CollectiveCall call = call_;
    TG_RETURN_IF_ERROR(ReadKeys(ctx, 1, &call));
    TG_ASSIGN_OR_RETURN(Tensor * out, CopyToOutput(ctx, 0));
    TG_RETURN_IF_ERROR(collective_->AllReduce(call, merge_, out));
    if (divide_) DivideBy<T>(out, collective_->size());
    return absl::OkStatus();
  }

 private:
  MergeOp merge_ = MergeOp::kAdd;
  bool divide_ = false;
};

#define TG_REGISTER_REDUCE(T)                                                \
  TG_REGISTER_KERNEL(CpuKernel("CollectiveReduceV2").TypeConstraint<T>("T"), \
                     CollectiveReduceCpu<T>)
TG_REGISTER_REDUCE(float);
TG_REGISTER_REDUCE(double);
TG_REGISTER_REDUCE(int32_t);
TG_REGISTER_REDUCE(int64_t);

class BcastSendCpu : public CollectiveKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    CollectiveCall call = call_;
    TG_RETURN_IF_ERROR(ReadKeys(ctx, 1, &call));
    TG_ASSIGN_OR_RETURN(Tensor * out, CopyToOutput(ctx, 0));
    return collective_->Broadcast(call, /*is_sender=*/true, out);
  }
};
TG_REGISTER_KERNEL(CpuKernel("CollectiveBcastSendV2"), BcastSendCpu);

class BcastRecvCpu : public CollectiveKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    CollectiveCall call = call_;
    TG_RETURN_IF_ERROR(ReadKeys(ctx, 0, &call));
    TG_ASSIGN_OR_RETURN(TensorShape shape,
                        ShapeFromTensor(ctx.input(3), "shape"));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, output_dtype_, shape));
    return collective_->Broadcast(call, /*is_sender=*/false, out);
  }
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(CollectiveKernel::Init(c));
    output_dtype_ = c.output_types()[0];
    return absl::OkStatus();
  }

 private:
  DataType output_dtype_ = DT_INVALID;
};
TG_REGISTER_KERNEL(CpuKernel("CollectiveBcastRecvV2"), BcastRecvCpu);

}  // namespace
}  // namespace tg
