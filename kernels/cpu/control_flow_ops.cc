// Control-flow kernels. They only pass values along (a reference input as
// the reference): what makes them control flow is the executor, which
// gives Merge its live inputs, treats Switch's unset output as dead and
// moves Enter, Exit and NextIteration values between frames and
// iterations (runtime/control_flow_executor.h).
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

void Forward(OpKernelContext& ctx, int in, int out) {
  if (Variable* v = ctx.input_ref(in)) {
    ctx.set_output_ref(out, v);
  } else {
    ctx.set_output(out, ctx.input(in));
  }
}

// A predicate must be a bool scalar (the executor checks the dtype).
absl::Status ReadPredicate(const OpKernelContext& ctx, int i, bool* value) {
  const Tensor& p = ctx.input(i);
  TG_REQUIRE(p.shape().rank() == 0, InvalidArgument,
             "the predicate must be a scalar bool, but it has shape ",
             p.shape().DebugString());
  TG_RETURN_IF_ERROR(p.CheckOnHost("the predicate"));
  *value = p.scalar<bool>();
  return absl::OkStatus();
}

class SwitchCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    bool pred = false;
    TG_RETURN_IF_ERROR(ReadPredicate(ctx, 1, &pred));
    Forward(ctx, 0, pred ? 1 : 0);  // The other output stays unset: dead.
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Switch").HostMemory("pred"), SwitchCpu);
TG_REGISTER_KERNEL(CpuKernel("RefSwitch").HostMemory("pred"), SwitchCpu);

class MergeCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    int live = -1;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (!ctx.has_input(i)) continue;
      TG_REQUIRE(live < 0, InvalidArgument, "inputs ", live, " and ", i,
                 " are both live; a Merge forwards exactly one");
      live = i;
    }
    TG_REQUIRE(live >= 0, Internal, "run with no live input");
    Forward(ctx, live, 0);
    TG_ASSIGN_OR_RETURN(Tensor * index,
                        ctx.allocate_output(1, DT_INT32, TensorShape()));
    index->flat<int32_t>()[0] = live;
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Merge").HostMemory("value_index"), MergeCpu);
TG_REGISTER_KERNEL(CpuKernel("RefMerge").HostMemory("value_index"), MergeCpu);

class ForwardCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    Forward(ctx, 0, 0);
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("Enter"), ForwardCpu);
TG_REGISTER_KERNEL(CpuKernel("RefEnter"), ForwardCpu);
TG_REGISTER_KERNEL(CpuKernel("Exit"), ForwardCpu);
TG_REGISTER_KERNEL(CpuKernel("RefExit"), ForwardCpu);
TG_REGISTER_KERNEL(CpuKernel("NextIteration"), ForwardCpu);
TG_REGISTER_KERNEL(CpuKernel("RefNextIteration"), ForwardCpu);

class LoopCondCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    bool pred = false;
    TG_RETURN_IF_ERROR(ReadPredicate(ctx, 0, &pred));
    Forward(ctx, 0, 0);
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(
    CpuKernel("LoopCond").HostMemory("input").HostMemory("output"),
    LoopCondCpu);

class ControlTriggerCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext&) override { return absl::OkStatus(); }
};
TG_REGISTER_KERNEL(CpuKernel("ControlTrigger"), ControlTriggerCpu);

// A scalar's truth by its dtype; bytes for integers and bool.
absl::StatusOr<bool> ScalarTruth(const Tensor& t) {
  const DataType d = t.dtype();
  if (d == DT_FLOAT) return t.scalar<float>() != 0.0f;
  if (d == DT_DOUBLE) return t.scalar<double>() != 0.0;
  if (d == DT_STRING) return !t.scalar<std::string>().empty();
  if (d == DT_HALF) {
    uint16_t bits;
    std::memcpy(&bits, t.raw_data(), sizeof(bits));
    return (bits & 0x7fff) != 0;  // +0 and -0 are false.
  }
  const bool integral = d == DT_BOOL || d == DT_INT8 || d == DT_INT16 ||
                        d == DT_INT32 || d == DT_INT64 || d == DT_UINT8;
  TG_REQUIRE(integral, InvalidArgument, "cannot take the truth of a ",
             DataTypeName(d), " scalar");
  const auto* bytes = static_cast<const unsigned char*>(t.raw_data());
  for (size_t i = 0; i < DataTypeSize(d); ++i) {
    if (bytes[i] != 0) return true;
  }
  return false;
}

class ToBoolCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& in = ctx.input(0);
    TG_RETURN_IF_ERROR(in.CheckOnHost("ToBool's input"));
    bool truth = in.NumElements() > 0;
    if (in.shape().rank() == 0) {
      TG_ASSIGN_OR_RETURN(truth, ScalarTruth(in));
    }
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, DT_BOOL, TensorShape()));
    out->flat<bool>()[0] = truth;
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("ToBool").HostMemory("input").HostMemory("output"),
                   ToBoolCpu);

}  // namespace
}  // namespace tg
