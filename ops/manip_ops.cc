// Array manipulation ops: schemas, shape functions, gradients, builders.
#include "ops/manip_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/op_types.h"

namespace tg {
namespace {

absl::Status ExpandDimsShape(InferenceContext& c) {
  const PartialShape& in = c.input(0);
  if (!in.known_rank || c.input_value(1) == nullptr) return UnknownShape(c);
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis,
                      TensorToInt64s(*c.input_value(1)));
  const int64_t rank = in.rank();
  if (axis.size() != 1 || axis[0] < -rank - 1 || axis[0] > rank) {
    return absl::InvalidArgumentError(absl::StrCat(
        "axis must be one value in [", -rank - 1, ", ", rank, "]"));
  }
  PartialShape out = in;
  const int64_t a = axis[0] < 0 ? axis[0] + rank + 1 : axis[0];
  out.dims.insert(out.dims.begin() + a, 1);
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("ExpandDims")
    .Input("input: T")
    .Input("dim: Tdim")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Tdim: " TG_INDEX_TYPES " = int32")
    .SetShapeFn(ExpandDimsShape);

absl::Status SqueezeShape(InferenceContext& c) {
  const PartialShape& in = c.input(0);
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axes,
                      c.GetAttr<std::vector<int64_t>>("squeeze_dims"));
  if (!in.known_rank) return UnknownShape(c);
  std::vector<bool> drop(in.rank(), false);
  for (int64_t a : axes) {
    if (a < -in.rank() || a >= in.rank()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "squeeze axis ", a, " is out of range for ", in.DebugString()));
    }
    const int64_t d = a < 0 ? a + in.rank() : a;
    if (in.dims[d] >= 0 && in.dims[d] != 1) {
      return absl::InvalidArgumentError(absl::StrCat("cannot squeeze axis ", a,
                                                     " of size ", in.dims[d],
                                                     " in ", in.DebugString()));
    }
    drop[d] = true;
  }
  PartialShape out{true, {}};
  for (int d = 0; d < in.rank(); ++d) {
    if (axes.empty() ? in.dims[d] == 1 : drop[d]) continue;
    if (axes.empty() && in.dims[d] < 0) return UnknownShape(c);
    out.dims.push_back(in.dims[d]);
  }
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("Squeeze")
    .Input("input: T")
    .Output("output: T")
    .Attr("T: type")
    .Attr("squeeze_dims: list(int) = []")
    .SetShapeFn(SqueezeShape);

TG_REGISTER_OP("Rank")
    .Input("input: T")
    .Output("output: int32")
    .Attr("T: type")
    .SetShapeFn(ScalarShape);

TG_REGISTER_OP("Size")
    .Input("input: T")
    .Output("output: out_type")
    .Attr("T: type")
    .Attr("out_type: " TG_INDEX_TYPES " = int32")
    .SetShapeFn(ScalarShape);

TG_REGISTER_OP("Range")
    .Input("start: Tidx")
    .Input("limit: Tidx")
    .Input("delta: Tidx")
    .Output("output: Tidx")
    .Attr("Tidx: {float, double, int32, int64} = int32")
    .SetShapeFn([](InferenceContext& c) {
      c.set_output(0, PartialShape::UnknownDims(1));
      return absl::OkStatus();
    });

absl::Status TransposeShape(InferenceContext& c) {
  const PartialShape& in = c.input(0);
  if (c.input_value(1) == nullptr) {
    c.set_output(0, in.known_rank ? PartialShape::UnknownDims(in.rank())
                                  : PartialShape::Unknown());
    return absl::OkStatus();
  }
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> perm,
                      TensorToInt64s(*c.input_value(1)));
  if (!in.known_rank) {
    c.set_output(0, PartialShape::UnknownDims(static_cast<int>(perm.size())));
    return absl::OkStatus();
  }
  if (static_cast<int>(perm.size()) != in.rank()) {
    return absl::InvalidArgumentError(
        absl::StrCat("perm has ", perm.size(),
                     " entries for an input of shape ", in.DebugString()));
  }
  PartialShape out = in;
  std::vector<bool> seen(perm.size(), false);
  for (size_t d = 0; d < perm.size(); ++d) {
    if (perm[d] < 0 || perm[d] >= in.rank() || seen[perm[d]]) {
      return absl::InvalidArgumentError("perm is not a permutation");
    }
    seen[perm[d]] = true;
    out.dims[d] = in.dims[perm[d]];
  }
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("Transpose")
    .Input("x: T")
    .Input("perm: Tperm")
    .Output("y: T")
    .Attr("T: type")
    .Attr("Tperm: " TG_INDEX_TYPES " = int32")
    .SetShapeFn(TransposeShape);

TG_REGISTER_OP("InvertPermutation")
    .Input("x: T")
    .Output("y: T")
    .Attr("T: " TG_INDEX_TYPES " = int32")
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("Select")
    .Input("condition: bool")
    .Input("t: T")
    .Input("e: T")
    .Output("output: T")
    .Attr("T: type")
    .SetShapeFn([](InferenceContext& c) {
      c.set_output(0, c.input(1));
      return absl::OkStatus();
    });

TG_REGISTER_OP("SelectV2")
    .Input("condition: bool")
    .Input("t: T")
    .Input("e: T")
    .Output("output: T")
    .Attr("T: type")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape te, out;
      TG_RETURN_IF_ERROR(BroadcastShapes(c.input(1), c.input(2), &te));
      TG_RETURN_IF_ERROR(BroadcastShapes(c.input(0), te, &out));
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Pack")
    .Input("values: N * T")
    .Output("output: T")
    .Attr("N: int >= 1")
    .Attr("T: type")
    .Attr("axis: int = 0")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      TG_ASSIGN_OR_RETURN(int64_t axis, c.GetAttr<int64_t>("axis"));
      if (!in.known_rank) return UnknownShape(c);
      const int64_t rank = in.rank() + 1;
      if (axis < -rank || axis >= rank) {
        return absl::InvalidArgumentError(
            absl::StrCat("axis ", axis, " is out of range for rank ", rank));
      }
      PartialShape out = in;
      out.dims.insert(out.dims.begin() + (axis < 0 ? axis + rank : axis),
                      c.num_inputs());
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Unpack")
    .Input("value: T")
    .Output("output: num * T")
    .Attr("num: int >= 0")
    .Attr("T: type")
    .Attr("axis: int = 0")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      TG_ASSIGN_OR_RETURN(int64_t axis, c.GetAttr<int64_t>("axis"));
      PartialShape out = PartialShape::Unknown();
      if (in.known_rank) {
        if (axis < -in.rank() || axis >= in.rank()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "axis ", axis, " is out of range for ", in.DebugString()));
        }
        out = in;
        out.dims.erase(out.dims.begin() + (axis < 0 ? axis + in.rank() : axis));
      }
      for (int i = 0; i < c.num_outputs(); ++i) c.set_output(i, out);
      return absl::OkStatus();
    });

// ---------------------------------------------------------------------------
// Gradients.

// Adding or removing size-1 axes: reshape the gradient back.
absl::Status ReshapeBackGrad(const Scope& s, const Operation& op,
                             const std::vector<Output>& dy,
                             std::vector<Output>* dx) {
  dx->push_back(ops::Reshape(s, dy[0], ops::Shape(s, op.input(0))));
  for (int i = 1; i < op.num_inputs(); ++i) dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("ExpandDims", ReshapeBackGrad);
TG_REGISTER_GRADIENT_OP("Squeeze", ReshapeBackGrad);

// The adjoint of a transpose is the transpose by the inverse permutation.
absl::Status TransposeGrad(const Scope& s, const Operation& op,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  dx->push_back(
      ops::Transpose(s, dy[0], ops::InvertPermutation(s, op.input(1))));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Transpose", TransposeGrad);

// Sums `g` (shaped like the op's output) down to the shape of `x`.
Output SumToShapeOf(const Scope& s, const Output& g, const Output& x,
                    const Output& out) {
  if (x.shape().IsFullyDefined() && x.shape() == out.shape()) return g;
  Output sx = ops::Shape(s, x);
  auto r = ops::BroadcastGradientArgs(s, sx, ops::Shape(s, out));
  return ops::Reshape(s, ops::Sum(s, g, r.r0), sx);
}

// Each branch gets the gradient where it was chosen, zeros elsewhere.
template <bool kV2>
absl::Status SelectGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const Output c = op.input(0), out = op.output(0);
  Output zeros = ops::ZerosLike(s, dy[0]);
  auto select = kV2 ? ops::SelectV2 : ops::Select;
  Output gt = select(s, c, dy[0], zeros);
  Output ge = select(s, c, zeros, dy[0]);
  dx->push_back(NoGradient());
  dx->push_back(kV2 ? SumToShapeOf(s, gt, op.input(1), out) : gt);
  dx->push_back(kV2 ? SumToShapeOf(s, ge, op.input(2), out) : ge);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Select", SelectGrad<false>);
TG_REGISTER_GRADIENT_OP("SelectV2", SelectGrad<true>);

// Stacking and unstacking undo each other.
absl::Status PackGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const int64_t axis = GetAttr<int64_t>(op.node()->attrs(), "axis").value();
  *dx = ops::Unpack(s, dy[0], op.num_inputs(), axis);
  return s.status();
}
TG_REGISTER_GRADIENT_OP("Pack", PackGrad);

absl::Status UnpackGrad(const Scope& s, const Operation& op,
                        const std::vector<Output>& dy,
                        std::vector<Output>* dx) {
  const int64_t axis = GetAttr<int64_t>(op.node()->attrs(), "axis").value();
  dx->push_back(ops::Pack(s, dy, axis));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Unpack", UnpackGrad);

TG_REGISTER_NO_GRADIENT_OP("Rank");
TG_REGISTER_NO_GRADIENT_OP("Size");
TG_REGISTER_NO_GRADIENT_OP("Range");
TG_REGISTER_NO_GRADIENT_OP("InvertPermutation");

}  // namespace

namespace ops {

Output ExpandDims(const Scope& s, const Input& input, const Input& axis) {
  return BinaryOp(s, "ExpandDims", input, axis);
}
Output Squeeze(const Scope& s, const Input& input,
               const std::vector<int64_t>& axes) {
  return OpBuilder(s, "Squeeze")
      .Input(input)
      .Attr("squeeze_dims", axes)
      .Finalize();
}
Output Rank(const Scope& s, const Input& input) {
  return UnaryOp(s, "Rank", input);
}
Output Size(const Scope& s, const Input& input, DataType out_type) {
  return OpBuilder(s, "Size")
      .Input(input)
      .Attr("out_type", out_type)
      .Finalize();
}
Output Range(const Scope& s, const Input& start, const Input& limit,
             const Input& delta) {
  return OpBuilder(s, "Range")
      .Input(start)
      .Input(limit)
      .Input(delta)
      .Finalize();
}
Output Transpose(const Scope& s, const Input& x, const Input& perm) {
  return BinaryOp(s, "Transpose", x, perm);
}
Output InvertPermutation(const Scope& s, const Input& perm) {
  return UnaryOp(s, "InvertPermutation", perm);
}
Output Select(const Scope& s, const Input& condition, const Input& t,
              const Input& e) {
  return OpBuilder(s, "Select").Input(condition).Input(t).Input(e).Finalize();
}
Output SelectV2(const Scope& s, const Input& condition, const Input& t,
                const Input& e) {
  return OpBuilder(s, "SelectV2").Input(condition).Input(t).Input(e).Finalize();
}
Output Pack(const Scope& s, const std::vector<Output>& values, int64_t axis) {
  return OpBuilder(s, "Pack").InputList(values).Attr("axis", axis).Finalize();
}
std::vector<Output> Unpack(const Scope& s, const Input& value, int64_t num,
                           int64_t axis) {
  Operation op = OpBuilder(s, "Unpack")
                     .Input(value)
                     .Attr("num", num)
                     .Attr("axis", axis)
                     .Finalize();
  std::vector<Output> out;
  if (!op.valid()) return out;
  for (int i = 0; i < op.num_outputs(); ++i) out.push_back(op.output(i));
  return out;
}

}  // namespace ops
}  // namespace tg
