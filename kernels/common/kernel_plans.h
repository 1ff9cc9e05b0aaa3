// Input checks and output shapes of kernels that have both a CPU and a GPU
// implementation: each device runs the same plan, so both refuse the same
// inputs with the same errors.
#ifndef TG_KERNELS_COMMON_KERNEL_PLANS_H_
#define TG_KERNELS_COMMON_KERNEL_PLANS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "core/op_kernel.h"
#include "core/strided_slice_spec.h"
#include "kernels/common/broadcast.h"
#include "kernels/common/copy_plan.h"

namespace tg {

// A product of row-major matrices: out [m, n] = op(a) [m, k] op(b) [k, n],
// each of `batches` batch elements (NumPy-broadcast batch dims; MatMul has
// one). a's rows are a_cols long, b's b_cols; one matrix of a is
// a_rows * a_cols elements.
struct MatMulPlan {
  int64_t m = 0, n = 0, k = 0;
  int64_t a_rows = 0, a_cols = 0, b_rows = 0, b_cols = 0;
  TensorShape output;
  // BatchMatMulV2: the batch shapes of a and b and their broadcast.
  TensorShape a_batch, b_batch;
  BroadcastPlan batch;
};
absl::StatusOr<MatMulPlan> PlanMatMul(const TensorShape& a,
                                      const TensorShape& b, bool transpose_a,
                                      bool transpose_b);
absl::StatusOr<MatMulPlan> PlanBatchMatMul(const TensorShape& x,
                                           const TensorShape& y, bool adj_x,
                                           bool adj_y);

// A reduction node (input 0 the data, input 1 the axes): which dims fold,
// the output shape, and how many elements each output folds.
struct ReductionPlanResult {
  std::vector<bool> reduced;
  TensorShape output;
  int64_t count = 1;
};
absl::StatusOr<ReductionPlanResult> PlanReductionOf(const OpKernelContext& ctx,
                                                    bool keep_dims);

// ArgMax of input 0 along the axis in input 1: [outer, n, inner] and the
// output shape.
struct AxisPlan {
  int64_t outer = 1, n = 0, inner = 1;
  TensorShape output;
};
absl::StatusOr<AxisPlan> PlanArgMax(const OpKernelContext& ctx);

// GatherV2 of input 0 by the indices in input 1 along the axis in input 2:
// params as [outer, n, inner], the checked indices and the output shape.
struct GatherPlan {
  int64_t outer = 1, n = 0, inner = 1;
  std::vector<int64_t> indices;
  TensorShape output;
};
absl::StatusOr<GatherPlan> PlanGather(const OpKernelContext& ctx);
// The same without reading the indices (left empty): for indices in device
// memory, which the device checks.
absl::StatusOr<GatherPlan> PlanGatherShape(const OpKernelContext& ctx);

// The data-movement kernels' plans from their inputs, with the input each
// copy reads: Slice, Pad, Tile, Transpose, ConcatV2; StridedSlice (input,
// begin, end, strides) or, with `grad`, StridedSliceGrad (shape, begin,
// end, strides, dy); BroadcastTo.
absl::StatusOr<LayoutPlan> PlanSliceOf(const OpKernelContext& ctx);
absl::StatusOr<LayoutPlan> PlanPadOf(const OpKernelContext& ctx);
absl::StatusOr<LayoutPlan> PlanTileOf(const OpKernelContext& ctx);
absl::StatusOr<LayoutPlan> PlanTransposeOf(const OpKernelContext& ctx);
absl::StatusOr<LayoutPlan> PlanConcatOf(const OpKernelContext& ctx);
absl::StatusOr<LayoutPlan> PlanBroadcastToOf(const OpKernelContext& ctx);
// Pack along `axis` (its attr): a concatenation of the inputs, each with a
// dim of 1 inserted at the axis.
absl::StatusOr<LayoutPlan> PlanPackOf(const OpKernelContext& ctx, int64_t axis);
absl::StatusOr<LayoutPlan> PlanStridedSliceOf(const OpKernelContext& ctx,
                                              const StridedSliceMasks& masks,
                                              bool grad);

// A data-movement kernel: kPlan (one of the planners above) validates and
// plans; kRun, the device's, allocates the output and runs the copies.
using LayoutPlanner = absl::StatusOr<LayoutPlan> (*)(const OpKernelContext&);
using LayoutRunner = absl::Status (*)(OpKernelContext&, const LayoutPlan&);
template <LayoutPlanner kPlan, LayoutRunner kRun>
class LayoutKernel : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, kPlan(ctx));
    return kRun(ctx, plan);
  }
};

// Pack over a device's runner.
template <LayoutRunner kRun>
class PackKernel : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(axis_, c.GetAttr<int64_t>("axis"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanPackOf(ctx, axis_));
    return kRun(ctx, plan);
  }

 private:
  int64_t axis_ = 0;
};

// StridedSlice (kGrad false) and StridedSliceGrad over a device's runner.
template <bool kGrad, LayoutRunner kRun>
class StridedSliceKernel : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(masks_, StridedSliceMasksFromAttrs(c));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                        PlanStridedSliceOf(ctx, masks_, kGrad));
    return kRun(ctx, plan);
  }

 private:
  StridedSliceMasks masks_;
};

// AddN: every input shaped like input 0.
absl::Status CheckAddNInputs(const OpKernelContext& ctx);

// Fill (dims, value): the output shape, with the value checked scalar.
absl::StatusOr<TensorShape> PlanFill(const OpKernelContext& ctx);

// BiasAdd's and BiasAddGrad's data_format attr: true for NCHW.
absl::StatusOr<bool> IsNchw(const OpKernelConstruction& c);

// BiasAddGrad of `dy`: every dim but the channel's folds; the output is
// [channels].
absl::StatusOr<ReductionPlanResult> PlanBiasAddGrad(const TensorShape& dy,
                                                    bool nchw);

// Bases of the kernels with a CPU and a GPU version: each reads its attrs
// once, at Init.
class MatMulKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  bool transpose_a_ = false, transpose_b_ = false;
};
class BatchMatMulKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  bool adj_x_ = false, adj_y_ = false;
};
class ReductionKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  bool keep_dims_ = false;
};
class DataFormatKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  bool nchw_ = false;
};
// LeakyRelu and LeakyReluGrad: their alpha attr.
class AlphaKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  float alpha_ = 0.2f;
};

// GatherV2: batch_dims must be 0.
class GatherKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;
};
class NesterovKernelBase : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  bool nesterov_ = false;
};

}  // namespace tg

#endif  // TG_KERNELS_COMMON_KERNEL_PLANS_H_
