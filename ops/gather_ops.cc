// Gather and scatter ops: schemas, shape functions, gradients, builders.
#include "ops/gather_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/manip_ops.h"
#include "ops/math_ops.h"
#include "ops/op_types.h"
#include "ops/slicing_ops.h"

namespace tg {
namespace {

TG_REGISTER_OP("GatherV2")
    .Input("params: Tparams")
    .Input("indices: Tindices")
    .Input("axis: Taxis")
    .Output("output: Tparams")
    .Attr("batch_dims: int = 0")
    .Attr("Tparams: type")
    .Attr("Tindices: " TG_INDEX_TYPES)
    .Attr("Taxis: " TG_INDEX_TYPES)
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      TG_ASSIGN_OR_RETURN(int64_t batch_dims, c.GetAttr<int64_t>("batch_dims"));
      if (batch_dims != 0) {
        return absl::UnimplementedError("GatherV2 with batch_dims != 0");
      }
      const PartialShape& params = c.input(0);
      const PartialShape& indices = c.input(1);
      if (!params.known_rank || !indices.known_rank ||
          c.input_value(2) == nullptr) {
        return UnknownShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis_v,
                          TensorToInt64s(*c.input_value(2)));
      const int rank = params.rank();
      if (axis_v.size() != 1 || axis_v[0] < -rank || axis_v[0] >= rank) {
        return absl::InvalidArgumentError(absl::StrCat(
            "axis must be one value in [", -rank, ", ", rank, ")"));
      }
      const int64_t axis = axis_v[0] < 0 ? axis_v[0] + rank : axis_v[0];
      PartialShape out{true, {}};
      for (int64_t d = 0; d < axis; ++d) out.dims.push_back(params.dims[d]);
      for (int64_t d : indices.dims) out.dims.push_back(d);
      for (int64_t d = axis + 1; d < rank; ++d)
        out.dims.push_back(params.dims[d]);
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("UnsortedSegmentSum")
    .Input("data: T")
    .Input("segment_ids: Tindices")
    .Input("num_segments: Tnumsegments")
    .Output("output: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("Tindices: " TG_INDEX_TYPES)
    .Attr("Tnumsegments: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& data = c.input(0);
      const PartialShape& ids = c.input(1);
      if (!data.known_rank || !ids.known_rank) return UnknownShape(c);
      int64_t n = -1;
      if (c.input_value(2) != nullptr) {
        TG_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                            TensorToInt64s(*c.input_value(2)));
        if (v.size() == 1) n = v[0];
      }
      PartialShape out = PartialShape::Of({n});
      for (int d = ids.rank(); d < data.rank(); ++d)
        out.dims.push_back(data.dims[d]);
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("DynamicStitch")
    .Input("indices: N * int32")
    .Input("data: N * T")
    .Output("merged: T")
    .Attr("N: int >= 1")
    .Attr("T: type")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const int n = c.num_inputs() / 2;
      const PartialShape& i0 = c.input(0);
      const PartialShape& d0 = c.input(n);
      if (!i0.known_rank || !d0.known_rank) return UnknownShape(c);
      int64_t max_index = -1;
      for (int m = 0; m < n; ++m) {
        if (c.input_value(m) == nullptr) {
          max_index = -2;
          break;
        }
        TG_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                            TensorToInt64s(*c.input_value(m)));
        for (int64_t x : v) max_index = std::max(max_index, x);
      }
      PartialShape out =
          PartialShape::Of({max_index == -2 ? -1 : max_index + 1});
      for (int d = i0.rank(); d < d0.rank(); ++d)
        out.dims.push_back(d0.dims[d]);
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

// The gradient of a gather sums dy back into the gathered slices of params:
// with axis a, dy is params[:a] + indices + params[a+1:]; flatten the
// indices dims, move that axis to the front, UnsortedSegmentSum over the
// flat indices (num_segments = params.shape[a]) and move the axis back.
absl::Status GatherGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const Output params = op.input(0), indices = op.input(1);
  const Node* axis_node = op.input(2).node();
  const int rank = params.shape().rank();
  if (axis_node->op() != "Const" || rank < 1) {
    return absl::UnimplementedError(
        "the gradient of GatherV2 needs a constant axis and params of known "
        "rank");
  }
  TG_ASSIGN_OR_RETURN(Tensor axis_t,
                      GetAttr<Tensor>(axis_node->attrs(), "value"));
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis_v, TensorToInt64s(axis_t));
  const int a = static_cast<int>(axis_v[0] < 0 ? axis_v[0] + rank : axis_v[0]);
  Output shape = ops::Shape(s, params);
  Output before = ops::Slice(s, shape, {0}, Tensor::FromVector<int32_t>({a}));
  Output after =
      ops::Slice(s, shape, Tensor::FromVector<int32_t>({a + 1}), {-1});
  Output num = ops::Reshape(
      s, ops::Slice(s, shape, Tensor::FromVector<int32_t>({a}), {1}),
      Tensor::FromVector<int32_t>({}));
  Output flat_ids = ops::Reshape(s, indices, {-1});
  Output g = ops::Reshape(
      s, dy[0], ops::ConcatV2(s, {before, ops::Const(s, {-1}), after}, 0));
  std::vector<int32_t> to_front = {a}, to_back;
  for (int d = 0; d < rank; ++d) {
    if (d != a) to_front.push_back(d);
    to_back.push_back(d < a ? d + 1 : (d == a ? 0 : d));
  }
  if (a != 0) g = ops::Transpose(s, g, Tensor::FromVector(to_front));
  Output summed = ops::UnsortedSegmentSum(s, g, flat_ids, num);
  if (a != 0) summed = ops::Transpose(s, summed, Tensor::FromVector(to_back));
  dx->push_back(summed);
  dx->push_back(NoGradient());
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("GatherV2", GatherGrad);

// Each segment sum reads its rows back: d data[i] = dy[segment_ids[i]]
// (zero for dropped ids is not modelled: ids must be in range).
absl::Status SegmentSumGrad(const Scope& s, const Operation& op,
                            const std::vector<Output>& dy,
                            std::vector<Output>* dx) {
  dx->push_back(ops::GatherV2(s, dy[0], op.input(1), 0));
  dx->push_back(NoGradient());
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("UnsortedSegmentSum", SegmentSumGrad);

// data[m] lands at merged[indices[m]]: its gradient gathers dy there.
absl::Status StitchGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const int n = op.num_inputs() / 2;
  for (int m = 0; m < n; ++m) dx->push_back(NoGradient());
  for (int m = 0; m < n; ++m) {
    dx->push_back(ops::GatherV2(s, dy[0], op.input(m), 0));
  }
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("DynamicStitch", StitchGrad);

}  // namespace

namespace ops {

Output GatherV2(const Scope& s, const Input& params, const Input& indices,
                const Input& axis) {
  return OpBuilder(s, "GatherV2")
      .Input(params)
      .Input(indices)
      .Input(axis)
      .Finalize();
}
Output UnsortedSegmentSum(const Scope& s, const Input& data,
                          const Input& segment_ids, const Input& num_segments) {
  return OpBuilder(s, "UnsortedSegmentSum")
      .Input(data)
      .Input(segment_ids)
      .Input(num_segments)
      .Finalize();
}
Output DynamicStitch(const Scope& s, const std::vector<Output>& indices,
                     const std::vector<Output>& data) {
  return OpBuilder(s, "DynamicStitch")
      .InputList(indices)
      .InputList(data)
      .Finalize();
}

}  // namespace ops
}  // namespace tg
