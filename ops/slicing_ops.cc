// Slicing, joining, padding and tiling ops: schemas, shape functions,
// gradients and builders.
#include "ops/slicing_ops.h"

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/strided_slice_spec.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/manip_ops.h"
#include "ops/math_ops.h"
#include "ops/op_types.h"

namespace tg {
namespace {

// Shape functions that need constant inputs fall back to "rank known, dims
// unknown" (or unknown) when those inputs are computed at run time.
absl::Status SameRankShape(InferenceContext& c) {
  const PartialShape& in = c.input(0);
  c.set_output(0, in.known_rank ? PartialShape::UnknownDims(in.rank())
                                : PartialShape::Unknown());
  return absl::OkStatus();
}

TG_REGISTER_OP("Slice")
    .Input("input: T")
    .Input("begin: Index")
    .Input("size: Index")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Index: " TG_INDEX_TYPES)
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      if (!in.known_rank || c.input_value(1) == nullptr ||
          c.input_value(2) == nullptr) {
        return SameRankShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> begin,
                          TensorToInt64s(*c.input_value(1)));
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> size,
                          TensorToInt64s(*c.input_value(2)));
      if (static_cast<int>(begin.size()) != in.rank() ||
          static_cast<int>(size.size()) != in.rank()) {
        return absl::InvalidArgumentError(
            absl::StrCat("begin and size need ", in.rank(), " entries for ",
                         in.DebugString()));
      }
      PartialShape out = in;
      for (int d = 0; d < in.rank(); ++d) {
        if (begin[d] < 0 || (in.dims[d] >= 0 && begin[d] > in.dims[d])) {
          return absl::InvalidArgumentError(
              absl::StrCat("begin ", begin[d], " of axis ", d,
                           " is out of range for ", in.DebugString()));
        }
        out.dims[d] = size[d] >= 0      ? size[d]
                      : in.dims[d] >= 0 ? in.dims[d] - begin[d]
                                        : -1;
      }
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Pad")
    .Input("input: T")
    .Input("paddings: Tpaddings")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Tpaddings: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      if (!in.known_rank || c.input_value(1) == nullptr) {
        return SameRankShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> p,
                          TensorToInt64s(*c.input_value(1)));
      if (static_cast<int>(p.size()) != 2 * in.rank()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "paddings must be [", in.rank(), ", 2] for ", in.DebugString()));
      }
      PartialShape out = in;
      for (int d = 0; d < in.rank(); ++d) {
        if (p[2 * d] < 0 || p[2 * d + 1] < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("paddings must be non-negative, got ", p[2 * d],
                           " and ", p[2 * d + 1], " for axis ", d));
        }
        if (out.dims[d] >= 0 &&
            (!CheckedAdd(out.dims[d], p[2 * d], &out.dims[d]) ||
             !CheckedAdd(out.dims[d], p[2 * d + 1], &out.dims[d]))) {
          return absl::InvalidArgumentError(absl::StrCat(
              "padding axis ", d, " of ", in.DebugString(), " by ", p[2 * d],
              " and ", p[2 * d + 1], " overflows int64"));
        }
      }
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("ConcatV2")
    .Input("values: N * T")
    .Input("axis: Tidx")
    .Output("output: T")
    .Attr("N: int >= 2")
    .Attr("T: type")
    .Attr("Tidx: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const int n = c.num_inputs() - 1;
      const PartialShape& first = c.input(0);
      if (!first.known_rank || c.input_value(n) == nullptr) {
        return SameRankShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis_v,
                          TensorToInt64s(*c.input_value(n)));
      const int rank = first.rank();
      if (axis_v.size() != 1 || axis_v[0] < -rank || axis_v[0] >= rank) {
        return absl::InvalidArgumentError(absl::StrCat(
            "axis must be one value in [", -rank, ", ", rank, ")"));
      }
      const int axis =
          static_cast<int>(axis_v[0] < 0 ? axis_v[0] + rank : axis_v[0]);
      PartialShape out = first;
      for (int i = 1; i < n; ++i) {
        const PartialShape& s = c.input(i);
        if (!s.known_rank) return SameRankShape(c);
        if (s.rank() != rank) {
          return absl::InvalidArgumentError(
              absl::StrCat("input ", i, " has shape ", s.DebugString(),
                           ", input 0 ", first.DebugString()));
        }
        for (int d = 0; d < rank; ++d) {
          if (d == axis) {
            if (out.dims[d] < 0 || s.dims[d] < 0) {
              out.dims[d] = -1;
            } else if (!CheckedAdd(out.dims[d], s.dims[d], &out.dims[d])) {
              return absl::InvalidArgumentError(
                  absl::StrCat("concatenating ", s.DebugString(),
                               " along axis ", axis, " overflows int64"));
            }
          } else if (out.dims[d] >= 0 && s.dims[d] >= 0 &&
                     out.dims[d] != s.dims[d]) {
            return absl::InvalidArgumentError(
                absl::StrCat("input ", i, " of shape ", s.DebugString(),
                             " does not match input 0 of shape ",
                             first.DebugString(), " outside axis ", axis));
          } else if (out.dims[d] < 0) {
            out.dims[d] = s.dims[d];
          }
        }
      }
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Split")
    .Input("split_dim: int32")
    .Input("value: T")
    .Output("output: num_split * T")
    .Attr("num_split: int >= 1")
    .Attr("T: type")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(1);
      PartialShape out = in.known_rank ? PartialShape::UnknownDims(in.rank())
                                       : PartialShape::Unknown();
      if (in.known_rank && c.input_value(0) != nullptr) {
        TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis,
                            TensorToInt64s(*c.input_value(0)));
        const int64_t a =
            axis.empty() ? 0 : (axis[0] < 0 ? axis[0] + in.rank() : axis[0]);
        if (axis.size() != 1 || a < 0 || a >= in.rank()) {
          return absl::InvalidArgumentError("split_dim is out of range");
        }
        out = in;
        if (in.dims[a] >= 0) {
          if (in.dims[a] % c.num_outputs() != 0) {
            return absl::InvalidArgumentError(absl::StrCat(
                "dimension ", a, " of ", in.DebugString(),
                " does not split into ", c.num_outputs(), " equal parts"));
          }
          out.dims[a] = in.dims[a] / c.num_outputs();
        }
      }
      for (int i = 0; i < c.num_outputs(); ++i) c.set_output(i, out);
      return absl::OkStatus();
    });

TG_REGISTER_OP("Tile")
    .Input("input: T")
    .Input("multiples: Tmultiples")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Tmultiples: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      if (!in.known_rank || c.input_value(1) == nullptr) {
        return SameRankShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> mult,
                          TensorToInt64s(*c.input_value(1)));
      if (static_cast<int>(mult.size()) != in.rank()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "multiples needs ", in.rank(), " entries for ", in.DebugString()));
      }
      PartialShape out = in;
      for (int d = 0; d < in.rank(); ++d) {
        if (mult[d] < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("multiples must be non-negative, got ", mult[d],
                           " for axis ", d));
        }
        if (out.dims[d] >= 0 &&
            !CheckedMul(out.dims[d], mult[d], &out.dims[d])) {
          return absl::InvalidArgumentError(
              absl::StrCat("tiling axis ", d, " by ", mult[d], " overflows"));
        }
      }
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("BroadcastTo")
    .Input("input: T")
    .Input("shape: Tidx")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Tidx: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      if (c.input_value(1) == nullptr) return UnknownShape(c);
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                          TensorToInt64s(*c.input_value(1)));
      PartialShape out;
      TG_RETURN_IF_ERROR(
          BroadcastShapes(c.input(0), PartialShape::Of(dims), &out));
      if (!(out == PartialShape::Of(dims)) && out.IsFullyDefined()) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot broadcast ", c.input(0).DebugString(), " to ",
                         PartialShape::Of(dims).DebugString()));
      }
      c.set_output(0, PartialShape::Of(dims));
      return absl::OkStatus();
    });

TG_REGISTER_OP("OneHot")
    .Input("indices: TI")
    .Input("depth: int32")
    .Input("on_value: T")
    .Input("off_value: T")
    .Output("output: T")
    .Attr("axis: int = -1")
    .Attr("T: type")
    .Attr("TI: {uint8, int32, int64} = int64")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      TG_ASSIGN_OR_RETURN(int64_t axis, c.GetAttr<int64_t>("axis"));
      if (!in.known_rank) return UnknownShape(c);
      if (axis < -1 || axis > in.rank()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "axis ", axis, " is out of range for indices ", in.DebugString()));
      }
      int64_t depth = -1;
      if (c.input_value(1) != nullptr) {
        TG_ASSIGN_OR_RETURN(std::vector<int64_t> d,
                            TensorToInt64s(*c.input_value(1)));
        if (d.size() == 1) depth = d[0];
      }
      PartialShape out = in;
      out.dims.insert(out.dims.begin() + (axis < 0 ? in.rank() : axis), depth);
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

// Reads the five mask attrs.
absl::StatusOr<StridedSliceMasks> MasksOf(const AttrMap& attrs) {
  StridedSliceMasks m;
  TG_ASSIGN_OR_RETURN(m.begin, GetAttr<int64_t>(attrs, "begin_mask"));
  TG_ASSIGN_OR_RETURN(m.end, GetAttr<int64_t>(attrs, "end_mask"));
  TG_ASSIGN_OR_RETURN(m.ellipsis, GetAttr<int64_t>(attrs, "ellipsis_mask"));
  TG_ASSIGN_OR_RETURN(m.new_axis, GetAttr<int64_t>(attrs, "new_axis_mask"));
  TG_ASSIGN_OR_RETURN(m.shrink_axis,
                      GetAttr<int64_t>(attrs, "shrink_axis_mask"));
  return m;
}

// The output shape when the input shape and begin/end/strides are known at
// build time (shape_index: the input holding the sliced shape, or -1 when
// input 0 is the tensor itself).
absl::Status StridedSliceShape(InferenceContext& c, int first_spec) {
  TensorShape shape;
  if (first_spec == 1) {
    if (!c.input(0).IsFullyDefined()) return UnknownShape(c);
    shape = TensorShape(c.input(0).dims);
  } else {
    if (c.input_value(0) == nullptr) return UnknownShape(c);
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                        TensorToInt64s(*c.input_value(0)));
    // Values from the graph: negative or overflowing dims are refused here.
    TG_ASSIGN_OR_RETURN(shape, TensorShape::FromDims(dims));
  }
  std::vector<int64_t> spec[3];
  for (int k = 0; k < 3; ++k) {
    if (c.input_value(first_spec + k) == nullptr) return UnknownShape(c);
    TG_ASSIGN_OR_RETURN(spec[k],
                        TensorToInt64s(*c.input_value(first_spec + k)));
  }
  TG_ASSIGN_OR_RETURN(StridedSliceMasks masks, MasksOf(c.attrs()));
  TG_ASSIGN_OR_RETURN(
      StridedSlicePlan plan,
      PlanStridedSlice(shape, spec[0], spec[1], spec[2], masks));
  c.set_output(0, first_spec == 1 ? PartialShape::FromShape(plan.output)
                                  : PartialShape::FromShape(shape));
  return absl::OkStatus();
}

#define TG_STRIDED_SLICE_MASKS        \
  Attr("begin_mask: int = 0")         \
      .Attr("end_mask: int = 0")      \
      .Attr("ellipsis_mask: int = 0") \
      .Attr("new_axis_mask: int = 0") \
      .Attr("shrink_axis_mask: int = 0")

TG_REGISTER_OP("StridedSlice")
    .Input("input: T")
    .Input("begin: Index")
    .Input("end: Index")
    .Input("strides: Index")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Index: " TG_INDEX_TYPES)
    .TG_STRIDED_SLICE_MASKS.SetShapeFn([](InferenceContext& c) {
      return StridedSliceShape(c, 1);
    });

TG_REGISTER_OP("StridedSliceGrad")
    .Input("shape: Index")
    .Input("begin: Index")
    .Input("end: Index")
    .Input("strides: Index")
    .Input("dy: T")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Index: " TG_INDEX_TYPES)
    .TG_STRIDED_SLICE_MASKS.SetShapeFn([](InferenceContext& c) {
      return StridedSliceShape(c, 0);
    });
#undef TG_STRIDED_SLICE_MASKS

TG_REGISTER_OP("PreventGradient")
    .Input("input: T")
    .Output("output: T")
    .Attr("T: type")
    .Attr("message: string = ''")
    .SetShapeFn(UnchangedShape);

// ---------------------------------------------------------------------------
// Gradients.

// slice(x, begin, size) scatters back: pad dy with begin zeros before and
// shape(x) - begin - shape(y) after, per axis.
absl::Status SliceGrad(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0), begin = op.input(1), y = op.output(0);
  const DataType index = BaseType(begin.type());
  Output before = begin;
  Output after = ops::Sub(s, ops::Sub(s, ops::Shape(s, x, index), begin),
                          ops::Shape(s, y, index));
  dx->push_back(ops::Pad(s, dy[0], ops::Pack(s, {before, after}, 1)));
  dx->push_back(NoGradient());
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Slice", SliceGrad);

// pad(x, p) is undone by slicing out x's region: begin = p[:, 0].
absl::Status PadGrad(const Scope& s, const Operation& op,
                     const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0), p = op.input(1);
  const DataType index = BaseType(p.type());
  Output begin = ops::Reshape(s,
                              ops::Slice(s, p, ops::Cast(s, {0, 0}, index),
                                         ops::Cast(s, {-1, 1}, index)),
                              {-1});
  dx->push_back(ops::Slice(s, dy[0], begin, ops::Shape(s, x, index)));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Pad", PadGrad);

// Each input gets its slice of dy along the axis. The offsets along the
// axis must be known when the graph is built; other dims may be dynamic.
absl::Status ConcatGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const int n = op.num_inputs() - 1;
  const Node* axis_node = op.input(n).node();
  const int rank = op.input(0).shape().rank();
  if (axis_node->op() != "Const" || rank < 0) {
    return absl::UnimplementedError(
        "the gradient of ConcatV2 needs a constant axis and inputs of known "
        "rank");
  }
  TG_ASSIGN_OR_RETURN(Tensor axis_t,
                      GetAttr<Tensor>(axis_node->attrs(), "value"));
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis_v, TensorToInt64s(axis_t));
  const int axis =
      static_cast<int>(axis_v[0] < 0 ? axis_v[0] + rank : axis_v[0]);
  int32_t offset = 0;
  for (int i = 0; i < n; ++i) {
    const Output x = op.input(i);
    const int64_t len = x.shape().known_rank ? x.shape().dims[axis] : -1;
    if (len < 0) {
      return absl::UnimplementedError(
          absl::StrCat("the gradient of ConcatV2 needs the size of input ", i,
                       " along axis ", axis));
    }
    std::vector<int32_t> begin(rank, 0);
    begin[axis] = offset;
    offset += static_cast<int32_t>(len);
    dx->push_back(
        ops::Slice(s, dy[0], Tensor::FromVector(begin), ops::Shape(s, x)));
  }
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("ConcatV2", ConcatGrad);

// The pieces of a split join back along the same axis.
absl::Status SplitGrad(const Scope& s, const Operation& op,
                       const std::vector<Output>& dy, std::vector<Output>* dx) {
  dx->push_back(NoGradient());
  dx->push_back(ops::ConcatV2(s, dy, op.input(0)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Split", SplitGrad);

// tile(x, m): view dy as [m0, d0, m1, d1, ...] and sum over the m axes.
absl::Status TileGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const Output x = op.input(0);
  const Node* mult_node = op.input(1).node();
  if (!x.shape().IsFullyDefined() || mult_node->op() != "Const") {
    return absl::UnimplementedError(
        "the gradient of Tile needs constant multiples and an input of known "
        "shape");
  }
  TG_ASSIGN_OR_RETURN(Tensor mult_t,
                      GetAttr<Tensor>(mult_node->attrs(), "value"));
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> mult, TensorToInt64s(mult_t));
  std::vector<int32_t> split_shape, axes;
  for (size_t d = 0; d < mult.size(); ++d) {
    split_shape.push_back(static_cast<int32_t>(mult[d]));
    split_shape.push_back(static_cast<int32_t>(x.shape().dims[d]));
    axes.push_back(static_cast<int32_t>(2 * d));
  }
  Output summed =
      ops::Sum(s, ops::Reshape(s, dy[0], Tensor::FromVector(split_shape)),
               Tensor::FromVector(axes));
  dx->push_back(ops::Reshape(s, summed, ops::Shape(s, x)));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Tile", TileGrad);

// broadcast_to(x, shape): sum dy over the broadcast axes.
absl::Status BroadcastToGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  const Output x = op.input(0);
  Output sx = ops::Shape(s, x);
  auto r = ops::BroadcastGradientArgs(s, sx, ops::Shape(s, op.output(0)));
  dx->push_back(ops::Reshape(s, ops::Sum(s, dy[0], r.r0), sx));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("BroadcastTo", BroadcastToGrad);

absl::Status PreventGradientGrad(const Scope&, const Operation& op,
                                 const std::vector<Output>&,
                                 std::vector<Output>*) {
  const std::string message =
      GetAttr<std::string>(op.node()->attrs(), "message").value_or("");
  return absl::InvalidArgumentError(
      absl::StrCat("gradient explicitly disabled by PreventGradient",
                   message.empty() ? "" : ": ", message));
}
TG_REGISTER_GRADIENT_OP("PreventGradient", PreventGradientGrad);

TG_REGISTER_NO_GRADIENT_OP("OneHot");

// Copies the five mask attrs of `from` onto a new op.
OpBuilder& WithMasks(OpBuilder& b, const Node* from) {
  for (const char* m : {"begin_mask", "end_mask", "ellipsis_mask",
                        "new_axis_mask", "shrink_axis_mask"}) {
    b.Attr(m, from->attrs().at(m));
  }
  return b;
}

// The slice's elements scatter back into zeros of the input's shape.
absl::Status StridedSliceGradFn(const Scope& s, const Operation& op,
                                const std::vector<Output>& dy,
                                std::vector<Output>* dx) {
  OpBuilder b(s, "StridedSliceGrad");
  b.Input(ops::Shape(s, op.input(0), BaseType(op.input(1).type())))
      .Input(op.input(1))
      .Input(op.input(2))
      .Input(op.input(3))
      .Input(dy[0]);
  dx->push_back(WithMasks(b, op.node()).Finalize().output(0));
  for (int i = 1; i < 4; ++i) dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("StridedSlice", StridedSliceGradFn);

// StridedSliceGrad is linear in dy; its adjoint is the slice itself.
absl::Status StridedSliceGradGrad(const Scope& s, const Operation& op,
                                  const std::vector<Output>& dz,
                                  std::vector<Output>* dx) {
  OpBuilder b(s, "StridedSlice");
  b.Input(dz[0]).Input(op.input(1)).Input(op.input(2)).Input(op.input(3));
  for (int i = 0; i < 4; ++i) dx->push_back(NoGradient());
  dx->push_back(WithMasks(b, op.node()).Finalize().output(0));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("StridedSliceGrad", StridedSliceGradGrad);

}  // namespace

namespace ops {

Output Slice(const Scope& s, const Input& input, const Input& begin,
             const Input& size) {
  return OpBuilder(s, "Slice").Input(input).Input(begin).Input(size).Finalize();
}
Output Pad(const Scope& s, const Input& input, const Input& paddings) {
  return BinaryOp(s, "Pad", input, paddings);
}
Output ConcatV2(const Scope& s, const std::vector<Output>& values,
                const Input& axis) {
  return OpBuilder(s, "ConcatV2").InputList(values).Input(axis).Finalize();
}
std::vector<Output> Split(const Scope& s, const Input& axis, const Input& value,
                          int64_t num_split) {
  Operation op = OpBuilder(s, "Split")
                     .Input(axis)
                     .Input(value)
                     .Attr("num_split", num_split)
                     .Finalize();
  std::vector<Output> out;
  if (!op.valid()) return out;
  for (int i = 0; i < op.num_outputs(); ++i) out.push_back(op.output(i));
  return out;
}
Output Tile(const Scope& s, const Input& input, const Input& multiples) {
  return BinaryOp(s, "Tile", input, multiples);
}
Output BroadcastTo(const Scope& s, const Input& input, const Input& shape) {
  return BinaryOp(s, "BroadcastTo", input, shape);
}
Output OneHot(const Scope& s, const Input& indices, const Input& depth,
              const Input& on_value, const Input& off_value, int64_t axis) {
  return OpBuilder(s, "OneHot")
      .Input(indices)
      .Input(depth)
      .Input(on_value)
      .Input(off_value)
      .Attr("axis", axis)
      .Finalize();
}
Output StridedSlice(const Scope& s, const Input& input, const Input& begin,
                    const Input& end, const Input& strides,
                    const StridedSliceMasks& masks) {
  return OpBuilder(s, "StridedSlice")
      .Input(input)
      .Input(begin)
      .Input(end)
      .Input(strides)
      .Attr("begin_mask", masks.begin)
      .Attr("end_mask", masks.end)
      .Attr("ellipsis_mask", masks.ellipsis)
      .Attr("new_axis_mask", masks.new_axis)
      .Attr("shrink_axis_mask", masks.shrink_axis)
      .Finalize();
}
Output PreventGradient(const Scope& s, const Input& input,
                       const std::string& message) {
  return OpBuilder(s, "PreventGradient")
      .Input(input)
      .Attr("message", message)
      .Finalize();
}

}  // namespace ops
}  // namespace tg
