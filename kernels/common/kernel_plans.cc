#include "kernels/common/kernel_plans.h"

#include "absl/strings/str_cat.h"
#include "core/kernel_checks.h"
#include "kernels/common/reduction_plan.h"

namespace tg {

absl::StatusOr<MatMulPlan> PlanMatMul(const TensorShape& a,
                                      const TensorShape& b, bool ta, bool tb) {
  TG_REQUIRE(a.rank() == 2 && b.rank() == 2, InvalidArgument,
             "inputs must be matrices, got ", a.DebugString(), " and ",
             b.DebugString());
  MatMulPlan p;
  p.a_rows = a.dim_size(0);
  p.a_cols = a.dim_size(1);
  p.b_rows = b.dim_size(0);
  p.b_cols = b.dim_size(1);
  p.m = ta ? p.a_cols : p.a_rows;
  p.k = ta ? p.a_rows : p.a_cols;
  const int64_t k2 = tb ? p.b_cols : p.b_rows;
  p.n = tb ? p.b_rows : p.b_cols;
  TG_REQUIRE(p.k == k2, InvalidArgument,
             "inner dimensions differ: ", a.DebugString(), ta ? "^T" : "",
             " x ", b.DebugString(), tb ? "^T" : "");
  TG_ASSIGN_OR_RETURN(p.output, TensorShape::FromDims({p.m, p.n}));
  return p;
}

absl::StatusOr<MatMulPlan> PlanBatchMatMul(const TensorShape& x,
                                           const TensorShape& y, bool adj_x,
                                           bool adj_y) {
  const int rx = x.rank(), ry = y.rank();
  TG_REQUIRE(rx >= 2 && ry >= 2, InvalidArgument,
             "inputs must have rank >= 2, got ", x.DebugString(), " and ",
             y.DebugString());
  MatMulPlan p;
  p.a_rows = x.dim_size(rx - 2);
  p.a_cols = x.dim_size(rx - 1);
  p.b_rows = y.dim_size(ry - 2);
  p.b_cols = y.dim_size(ry - 1);
  p.m = adj_x ? p.a_cols : p.a_rows;
  p.k = adj_x ? p.a_rows : p.a_cols;
  const int64_t k2 = adj_y ? p.b_cols : p.b_rows;
  p.n = adj_y ? p.b_rows : p.b_cols;
  TG_REQUIRE(p.k == k2, InvalidArgument,
             "inner dimensions differ: ", x.DebugString(), adj_x ? "^T" : "",
             " x ", y.DebugString(), adj_y ? "^T" : "");
  p.a_batch = TensorShape(absl::MakeConstSpan(x.dims().data(), rx - 2));
  p.b_batch = TensorShape(absl::MakeConstSpan(y.dims().data(), ry - 2));
  TG_ASSIGN_OR_RETURN(p.batch, PlanBroadcast(p.a_batch, p.b_batch));
  Dims out = p.batch.out.dims();
  out.push_back(p.m);
  out.push_back(p.n);
  TG_ASSIGN_OR_RETURN(p.output, TensorShape::FromDims(out));
  return p;
}

absl::StatusOr<ReductionPlanResult> PlanReductionOf(const OpKernelContext& ctx,
                                                    bool keep_dims) {
  const TensorShape& shape = ctx.input(0).shape();
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                      VectorToInt64s(ctx.input(1), "reduction_indices"));
  ReductionPlanResult r;
  TG_RETURN_IF_ERROR(
      PlanReduction(shape, axes, keep_dims, &r.reduced, &r.output));
  for (int d = 0; d < shape.rank(); ++d) {
    if (r.reduced[d]) r.count *= shape.dim_size(d);
  }
  return r;
}

absl::StatusOr<AxisPlan> PlanArgMax(const OpKernelContext& ctx) {
  const TensorShape& shape = ctx.input(0).shape();
  TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(1), "dimension"));
  const int rank = shape.rank();
  TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank, "dimension"));
  AxisPlan p;
  p.n = shape.dim_size(axis);
  TG_REQUIRE(p.n > 0, InvalidArgument, "cannot take ArgMax of an empty axis");
  for (int d = 0; d < rank; ++d) {
    if (d < axis) p.outer *= shape.dim_size(d);
    if (d > axis) p.inner *= shape.dim_size(d);
    if (d != axis) p.output.AddDim(shape.dim_size(d));
  }
  return p;
}

absl::StatusOr<GatherPlan> PlanGather(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(GatherPlan p, PlanGatherShape(ctx));
  TG_ASSIGN_OR_RETURN(p.indices, TensorToInt64s(ctx.input(1)));
  for (size_t i = 0; i < p.indices.size(); ++i) {
    TG_REQUIRE(p.indices[i] >= 0 && p.indices[i] < p.n, InvalidArgument,
               "indices[", i, "] = ", p.indices[i], " is not in [0, ", p.n,
               ")");
  }
  return p;
}

absl::StatusOr<GatherPlan> PlanGatherShape(const OpKernelContext& ctx) {
  const TensorShape& params = ctx.input(0).shape();
  GatherPlan p;
  TG_REQUIRE(
      ctx.input(1).dtype() == DT_INT32 || ctx.input(1).dtype() == DT_INT64,
      InvalidArgument, "indices must be int32 or int64, got ",
      DataTypeName(ctx.input(1).dtype()));
  TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(2), "axis"));
  const int rank = params.rank();
  TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank));
  p.n = params.dim_size(axis);
  Dims out;
  for (int d = 0; d < axis; ++d) {
    p.outer *= params.dim_size(d);
    out.push_back(params.dim_size(d));
  }
  for (int64_t d : ctx.input(1).shape().dims()) out.push_back(d);
  for (int d = axis + 1; d < rank; ++d) {
    p.inner *= params.dim_size(d);
    out.push_back(params.dim_size(d));
  }
  TG_ASSIGN_OR_RETURN(p.output, TensorShape::FromDims(out));
  return p;
}

absl::StatusOr<LayoutPlan> PlanStridedSliceOf(const OpKernelContext& ctx,
                                              const StridedSliceMasks& masks,
                                              bool grad) {
  const Tensor& data = ctx.input(grad ? 4 : 0);
  TensorShape shape = data.shape();
  if (grad) {
    TG_ASSIGN_OR_RETURN(shape, ShapeFromTensor(ctx.input(0), "shape"));
  }
  std::vector<int64_t> spec[3];
  const char* names[] = {"begin", "end", "strides"};
  for (int k = 0; k < 3; ++k) {
    TG_ASSIGN_OR_RETURN(spec[k], VectorToInt64s(ctx.input(1 + k), names[k]));
  }
  TG_ASSIGN_OR_RETURN(
      StridedSlicePlan slice,
      PlanStridedSlice(shape, spec[0], spec[1], spec[2], masks));
  TG_REQUIRE(!grad || data.NumElements() == slice.output.num_elements(),
             InvalidArgument, "dy of shape ", data.shape().DebugString(),
             " does not match the slice ", slice.output.DebugString());
  LayoutPlan plan = PlanStridedSliceCopy(slice, shape, grad);
  plan.sources = {grad ? 4 : 0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanSliceOf(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> begin,
                      VectorToInt64s(ctx.input(1), "begin"));
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> size,
                      VectorToInt64s(ctx.input(2), "size"));
  TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                      PlanSlice(ctx.input(0).shape(), begin, size));
  plan.sources = {0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanPadOf(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> p, TensorToInt64s(ctx.input(1)));
  TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                      PlanPad(ctx.input(0).shape(), ctx.input(1).shape(), p));
  plan.sources = {0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanTileOf(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> mult,
                      VectorToInt64s(ctx.input(1), "multiples"));
  TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanTile(ctx.input(0).shape(), mult));
  plan.sources = {0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanTransposeOf(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> perm,
                      VectorToInt64s(ctx.input(1), "perm"));
  TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                      PlanTranspose(ctx.input(0).shape(), perm));
  plan.sources = {0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanBroadcastToOf(const OpKernelContext& ctx) {
  const TensorShape& in = ctx.input(0).shape();
  TG_ASSIGN_OR_RETURN(TensorShape out, ShapeFromTensor(ctx.input(1), "shape"));
  TG_ASSIGN_OR_RETURN(BroadcastPlan b, PlanBroadcast(in, out));
  TG_REQUIRE(b.out == out, InvalidArgument, "cannot broadcast ",
             in.DebugString(), " to ", out.DebugString());
  LayoutPlan plan;
  plan.output = out;
  CopyPlan c;
  c.dims = out.dims();
  c.src_strides = b.x_strides;  // 0 along broadcast dims
  c.dst_strides = RowMajorStrides(out);
  plan.copies.push_back(std::move(c));
  plan.sources = {0};
  return plan;
}

absl::StatusOr<LayoutPlan> PlanPackOf(const OpKernelContext& ctx,
                                      int64_t axis_attr) {
  const TensorShape& first = ctx.input(0).shape();
  const int n = ctx.num_inputs();
  TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_attr, first.rank() + 1));
  std::vector<TensorShape> pieces;
  for (int i = 0; i < n; ++i) {
    TG_REQUIRE(ctx.input(i).shape() == first, InvalidArgument,
               "values must have one shape: ", first.DebugString(), " vs ",
               ctx.input(i).shape().DebugString(), " at ", i);
    Dims dims = first.dims();
    dims.insert(dims.begin() + axis, 1);
    pieces.push_back(TensorShape(dims));
  }
  TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanConcat(pieces, axis));
  for (int i = 0; i < n; ++i) plan.sources.push_back(i);
  return plan;
}

absl::StatusOr<LayoutPlan> PlanConcatOf(const OpKernelContext& ctx) {
  const int n = ctx.num_inputs() - 1;
  TG_ASSIGN_OR_RETURN(int64_t a, ScalarToInt64(ctx.input(n), "axis"));
  TG_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, ctx.input(0).shape().rank()));
  std::vector<TensorShape> shapes;
  for (int i = 0; i < n; ++i) shapes.push_back(ctx.input(i).shape());
  TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanConcat(shapes, axis));
  for (int i = 0; i < n; ++i) plan.sources.push_back(i);
  return plan;
}

absl::StatusOr<bool> IsNchw(const OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(std::string f, c.GetAttr<std::string>("data_format"));
  return f == "NCHW";
}

absl::StatusOr<ReductionPlanResult> PlanBiasAddGrad(const TensorShape& dy,
                                                    bool nchw) {
  const int rank = dy.rank();
  TG_REQUIRE(rank >= 2, InvalidArgument,
             "out_backprop must have rank at least 2, got shape ",
             dy.DebugString());
  const int axis = nchw ? 1 : rank - 1;
  ReductionPlanResult r;
  r.reduced.assign(rank, true);
  r.reduced[axis] = false;
  r.output = TensorShape({dy.dim_size(axis)});
  for (int d = 0; d < rank; ++d) {
    if (d != axis) r.count *= dy.dim_size(d);
  }
  return r;
}

absl::Status CheckAddNInputs(const OpKernelContext& ctx) {
  const TensorShape& first = ctx.input(0).shape();
  for (int i = 1; i < ctx.num_inputs(); ++i) {
    TG_REQUIRE(ctx.input(i).shape() == first, InvalidArgument,
               "inputs must have the same shape: ", first.DebugString(), " vs ",
               ctx.input(i).shape().DebugString(), " at input ", i);
  }
  return absl::OkStatus();
}

absl::StatusOr<TensorShape> PlanFill(const OpKernelContext& ctx) {
  TG_ASSIGN_OR_RETURN(TensorShape shape, ShapeFromTensor(ctx.input(0), "dims"));
  TG_RETURN_IF_ERROR(RequireScalar(ctx.input(1), "value"));
  return shape;
}

absl::Status AlphaKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(alpha_, c.GetAttr<float>("alpha"));
  return absl::OkStatus();
}

absl::Status GatherKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(int64_t batch_dims, c.GetAttr<int64_t>("batch_dims"));
  TG_REQUIRE(batch_dims == 0, Unimplemented, "GatherV2 with batch_dims != 0");
  return absl::OkStatus();
}

absl::Status MatMulKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(transpose_a_, c.GetAttr<bool>("transpose_a"));
  TG_ASSIGN_OR_RETURN(transpose_b_, c.GetAttr<bool>("transpose_b"));
  return absl::OkStatus();
}

absl::Status BatchMatMulKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(adj_x_, c.GetAttr<bool>("adj_x"));
  TG_ASSIGN_OR_RETURN(adj_y_, c.GetAttr<bool>("adj_y"));
  return absl::OkStatus();
}

absl::Status ReductionKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(keep_dims_, c.GetAttr<bool>("keep_dims"));
  return absl::OkStatus();
}

absl::Status DataFormatKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(nchw_, IsNchw(c));
  return absl::OkStatus();
}

absl::Status NesterovKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(nesterov_, c.GetAttr<bool>("use_nesterov"));
  return absl::OkStatus();
}

}  // namespace tg
