// Math ops: schemas, shape functions, gradients and builders.
#include "ops/math_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/op_types.h"

namespace tg {
namespace {

absl::Status MatMulShape(InferenceContext& c) {
  PartialShape a, b;
  TG_RETURN_IF_ERROR(c.WithRank(0, 2, &a));
  TG_RETURN_IF_ERROR(c.WithRank(1, 2, &b));
  TG_ASSIGN_OR_RETURN(bool ta, c.GetAttr<bool>("transpose_a"));
  TG_ASSIGN_OR_RETURN(bool tb, c.GetAttr<bool>("transpose_b"));
  const int64_t m = a.dims[ta ? 1 : 0], k_a = a.dims[ta ? 0 : 1];
  const int64_t k_b = b.dims[tb ? 1 : 0], n = b.dims[tb ? 0 : 1];
  if (k_a >= 0 && k_b >= 0 && k_a != k_b) {
    return absl::InvalidArgumentError(
        absl::StrCat("inner dimensions differ: ", a.DebugString(),
                     ta ? "^T" : "", " x ", b.DebugString(), tb ? "^T" : ""));
  }
  c.set_output(0, PartialShape::Of({m, n}));
  return absl::OkStatus();
}

TG_REGISTER_OP("MatMul")
    .Input("a: T")
    .Input("b: T")
    .Output("product: T")
    .Attr("transpose_a: bool = false")
    .Attr("transpose_b: bool = false")
    .Attr(
        "T: {bfloat16, half, float, double, int32, int64, uint8, uint16, "
        "uint32, uint64, complex64, complex128}")
    .SetShapeFn(MatMulShape);

// MatMul with an epilogue (TensorFlow's internal op, which its graph
// optimizer creates): the product, plus `args[0]` as a bias over its last
// dim, then optionally one activation. Graph passes make it
// (graph/passes/passes.h); graphs TensorFlow rewrote may hold it too.
TG_REGISTER_OP("_FusedMatMul")
    .Input("a: T")
    .Input("b: T")
    .Input("args: num_args * T")
    .Output("product: T")
    .Attr("transpose_a: bool = false")
    .Attr("transpose_b: bool = false")
    .Attr("T: {bfloat16, half, float, double}")
    .Attr("num_args: int >= 0")
    .Attr("fused_ops: list(string) = []")
    .Attr("epsilon: float = 0.0001")
    .Attr("leakyrelu_alpha: float = 0.2")
    .SetShapeFn(MatMulShape);

// [..., m, k] x [..., k, n] with broadcast batch dims (adj = transpose of
// the last two dims).
absl::Status BatchMatMulShape(InferenceContext& c) {
  const PartialShape& x = c.input(0);
  const PartialShape& y = c.input(1);
  if (!x.known_rank || !y.known_rank) return UnknownShape(c);
  if (x.rank() < 2 || y.rank() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("inputs must have rank >= 2, got ", x.DebugString(),
                     " and ", y.DebugString()));
  }
  TG_ASSIGN_OR_RETURN(bool ax, c.GetAttr<bool>("adj_x"));
  TG_ASSIGN_OR_RETURN(bool ay, c.GetAttr<bool>("adj_y"));
  const int rx = x.rank(), ry = y.rank();
  const int64_t m = x.dims[ax ? rx - 1 : rx - 2],
                kx = x.dims[ax ? rx - 2 : rx - 1];
  const int64_t ky = y.dims[ay ? ry - 1 : ry - 2],
                n = y.dims[ay ? ry - 2 : ry - 1];
  if (kx >= 0 && ky >= 0 && kx != ky) {
    return absl::InvalidArgumentError(
        absl::StrCat("inner dimensions differ: ", x.DebugString(),
                     ax ? "^T" : "", " x ", y.DebugString(), ay ? "^T" : ""));
  }
  PartialShape bx = PartialShape::Of(absl::MakeSpan(x.dims.data(), rx - 2));
  PartialShape by = PartialShape::Of(absl::MakeSpan(y.dims.data(), ry - 2));
  PartialShape out;
  TG_RETURN_IF_ERROR(BroadcastShapes(bx, by, &out));
  out.dims.push_back(m);
  out.dims.push_back(n);
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("BatchMatMulV2")
    .Input("x: T")
    .Input("y: T")
    .Output("output: T")
    .Attr(
        "T: {bfloat16, half, float, double, int32, int64, complex64, "
        "complex128}")
    .Attr("adj_x: bool = false")
    .Attr("adj_y: bool = false")
    .SetShapeFn(BatchMatMulShape);

#define TG_BINARY_OP(NAME, TYPES) \
  TG_REGISTER_OP(NAME)            \
      .Input("x: T")              \
      .Input("y: T")              \
      .Output("z: T")             \
      .Attr("T: " TYPES)          \
      .SetShapeFn(BroadcastBinaryShape)

TG_BINARY_OP("Add",
             "{half, bfloat16, float, double, uint8, int8, int16, "
             "int32, int64, complex64, complex128, string}");
TG_BINARY_OP("AddV2", TG_NUMBER_TYPES).SetIsCommutative().SetIsAggregate();
TG_BINARY_OP("Sub", TG_NUMBER_TYPES);
TG_BINARY_OP("Mul", TG_NUMBER_TYPES).SetIsCommutative();
TG_BINARY_OP("RealDiv", TG_NUMBER_TYPES);
// TensorFlow's older division: true division for floats, truncation toward
// zero for integers (an integer division by zero is an error).
TG_BINARY_OP("Div", TG_NUMBER_TYPES);
// Python's // and %: the quotient rounds toward -inf and the remainder takes
// the divisor's sign.
TG_BINARY_OP("FloorDiv", TG_NUMBER_TYPES);
TG_BINARY_OP("FloorMod", TG_REAL_NUMBER_TYPES);
TG_BINARY_OP("SigmoidGrad", TG_FLOAT_TYPES);
TG_BINARY_OP("TanhGrad", TG_FLOAT_TYPES);
TG_BINARY_OP("Maximum", TG_REAL_NUMBER_TYPES).SetIsCommutative();
TG_BINARY_OP("Minimum", TG_REAL_NUMBER_TYPES).SetIsCommutative();
TG_BINARY_OP("Pow", TG_NUMBER_TYPES);
#undef TG_BINARY_OP

#define TG_UNARY_OP(NAME, TYPES) \
  TG_REGISTER_OP(NAME)           \
      .Input("x: T")             \
      .Output("y: T")            \
      .Attr("T: " TYPES)         \
      .SetShapeFn(UnchangedShape)

TG_UNARY_OP("Neg", TG_NUMBER_TYPES);
TG_UNARY_OP("Square", TG_NUMBER_TYPES);
TG_UNARY_OP("Sigmoid", TG_FLOAT_TYPES);
TG_UNARY_OP("Tanh", TG_FLOAT_TYPES);
TG_UNARY_OP("Exp", TG_FLOAT_TYPES);
TG_UNARY_OP("Log", TG_FLOAT_TYPES);
TG_UNARY_OP("Log1p", TG_FLOAT_TYPES);
TG_UNARY_OP("Sqrt", TG_FLOAT_TYPES);
TG_UNARY_OP("Rsqrt", TG_FLOAT_TYPES);
TG_UNARY_OP("Reciprocal", TG_NUMBER_TYPES);
TG_UNARY_OP("Abs", TG_REAL_NUMBER_TYPES);
TG_UNARY_OP("Sign", TG_NUMBER_TYPES);
TG_UNARY_OP("Softplus", TG_FLOAT_TYPES);
#undef TG_UNARY_OP

TG_REGISTER_OP("AddN")
    .Input("inputs: N * T")
    .Output("sum: T")
    .Attr("N: int >= 1")
    .Attr("T: " TG_NUMBER_TYPES)
    .SetIsCommutative()
    .SetIsAggregate()
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      PartialShape out = c.input(0);
      for (int i = 1; i < c.num_inputs(); ++i) {
        const PartialShape& s = c.input(i);
        if (!s.known_rank) continue;
        if (!out.known_rank) {
          out = s;
          continue;
        }
        if (s.rank() != out.rank()) {
          return absl::InvalidArgumentError(
              absl::StrCat("inputs have different shapes: ", out.DebugString(),
                           " and ", s.DebugString()));
        }
        for (int d = 0; d < s.rank(); ++d) {
          if (out.dims[d] < 0) out.dims[d] = s.dims[d];
          if (s.dims[d] >= 0 && s.dims[d] != out.dims[d]) {
            return absl::InvalidArgumentError(absl::StrCat(
                "inputs have different shapes: ", out.DebugString(), " and ",
                s.DebugString()));
          }
        }
      }
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

// Output shape of a reduction of input 0 over the axes in input 1.
absl::Status ReductionShape(InferenceContext& c) {
  TG_ASSIGN_OR_RETURN(bool keep_dims, c.GetAttr<bool>("keep_dims"));
  const PartialShape& in = c.input(0);
  const Tensor* axes_value = c.input_value(1);
  if (!in.known_rank) return UnknownShape(c);
  if (axes_value == nullptr) {
    c.set_output(0, keep_dims ? PartialShape::UnknownDims(in.rank())
                              : PartialShape::Unknown());
    return absl::OkStatus();
  }
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> axes, TensorToInt64s(*axes_value));
  std::vector<bool> reduced(in.rank(), false);
  for (int64_t a : axes) {
    if (a < -in.rank() || a >= in.rank()) {
      return absl::InvalidArgumentError(
          absl::StrCat("axis ", a, " is out of range for input of shape ",
                       in.DebugString()));
    }
    reduced[a < 0 ? a + in.rank() : a] = true;
  }
  PartialShape out{true, {}};
  for (int d = 0; d < in.rank(); ++d) {
    if (!reduced[d]) {
      out.dims.push_back(in.dims[d]);
    } else if (keep_dims) {
      out.dims.push_back(1);
    }
  }
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

#define TG_REDUCTION_OP(NAME)                   \
  TG_REGISTER_OP(NAME)                          \
      .Input("input: T")                        \
      .Input("reduction_indices: Tidx")         \
      .Output("output: T")                      \
      .Attr("keep_dims: bool = false")          \
      .Attr("T: " TG_NUMBER_TYPES)              \
      .Attr("Tidx: " TG_INDEX_TYPES " = int32") \
      .SetShapeFn(ReductionShape)

TG_REDUCTION_OP("Sum");
TG_REDUCTION_OP("Mean");
TG_REDUCTION_OP("Prod");
TG_REDUCTION_OP("Max");
TG_REDUCTION_OP("Min");
#undef TG_REDUCTION_OP

TG_REGISTER_OP("ArgMax")
    .Input("input: T")
    .Input("dimension: Tidx")
    .Output("output: output_type")
    .Attr("T: " TG_REAL_NUMBER_TYPES)
    .Attr("Tidx: {int16, int32, int64} = int32")
    .Attr("output_type: {int16, int32, int64} = int64")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      const PartialShape& in = c.input(0);
      if (!in.known_rank || c.input_value(1) == nullptr) {
        return UnknownShape(c);
      }
      TG_ASSIGN_OR_RETURN(std::vector<int64_t> axis,
                          TensorToInt64s(*c.input_value(1)));
      if (axis.size() != 1 || axis[0] < -in.rank() || axis[0] >= in.rank()) {
        return absl::InvalidArgumentError(
            absl::StrCat("dimension must be one axis of ", in.DebugString()));
      }
      const int64_t a = axis[0] < 0 ? axis[0] + in.rank() : axis[0];
      PartialShape out = in;
      out.dims.erase(out.dims.begin() + a);
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Equal")
    .Input("x: T")
    .Input("y: T")
    .Output("z: bool")
    .Attr("T: type")
    .Attr("incompatible_shape_error: bool = true")
    .SetIsCommutative()
    .SetShapeFn(BroadcastBinaryShape);

#define TG_COMPARISON_OP(NAME)          \
  TG_REGISTER_OP(NAME)                  \
      .Input("x: T")                    \
      .Input("y: T")                    \
      .Output("z: bool")                \
      .Attr("T: " TG_REAL_NUMBER_TYPES) \
      .SetShapeFn(BroadcastBinaryShape)
TG_COMPARISON_OP("Greater");
TG_COMPARISON_OP("GreaterEqual");
TG_COMPARISON_OP("Less");
TG_COMPARISON_OP("LessEqual");
#undef TG_COMPARISON_OP

TG_REGISTER_OP("Cast")
    .Input("x: SrcT")
    .Output("y: DstT")
    .Attr("SrcT: type")
    .Attr("DstT: type")
    .Attr("Truncate: bool = false")
    .SetShapeFn(UnchangedShape);

}  // namespace

namespace ops {

Output MatMul(const Scope& s, const Input& a, const Input& b, bool transpose_a,
              bool transpose_b) {
  return OpBuilder(s, "MatMul")
      .Input(a)
      .Input(b)
      .Attr("transpose_a", transpose_a)
      .Attr("transpose_b", transpose_b)
      .Finalize();
}
Output FusedMatMul(const Scope& s, const Input& a, const Input& b,
                   const Output& bias,
                   const std::vector<std::string>& fused_ops, bool transpose_a,
                   bool transpose_b, float leakyrelu_alpha) {
  return OpBuilder(s, "_FusedMatMul")
      .Input(a)
      .Input(b)
      .InputList({bias})
      .Attr("fused_ops", fused_ops)
      .Attr("transpose_a", transpose_a)
      .Attr("transpose_b", transpose_b)
      .Attr("leakyrelu_alpha", leakyrelu_alpha)
      .Finalize();
}
Output BatchMatMulV2(const Scope& s, const Input& x, const Input& y, bool adj_x,
                     bool adj_y) {
  return OpBuilder(s, "BatchMatMulV2")
      .Input(x)
      .Input(y)
      .Attr("adj_x", adj_x)
      .Attr("adj_y", adj_y)
      .Finalize();
}
Output Add(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Add", x, y);
}
Output AddV2(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "AddV2", x, y);
}
Output Sub(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Sub", x, y);
}
Output Mul(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Mul", x, y);
}
Output RealDiv(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "RealDiv", x, y);
}
Output Div(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Div", x, y);
}
Output FloorDiv(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "FloorDiv", x, y);
}
Output FloorMod(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "FloorMod", x, y);
}
Output Neg(const Scope& s, const Input& x) { return UnaryOp(s, "Neg", x); }
Output Square(const Scope& s, const Input& x) {
  return UnaryOp(s, "Square", x);
}
Output Sigmoid(const Scope& s, const Input& x) {
  return UnaryOp(s, "Sigmoid", x);
}
Output Tanh(const Scope& s, const Input& x) { return UnaryOp(s, "Tanh", x); }
Output Exp(const Scope& s, const Input& x) { return UnaryOp(s, "Exp", x); }
Output Log(const Scope& s, const Input& x) { return UnaryOp(s, "Log", x); }
Output Log1p(const Scope& s, const Input& x) { return UnaryOp(s, "Log1p", x); }
Output Sqrt(const Scope& s, const Input& x) { return UnaryOp(s, "Sqrt", x); }
Output Rsqrt(const Scope& s, const Input& x) { return UnaryOp(s, "Rsqrt", x); }
Output Reciprocal(const Scope& s, const Input& x) {
  return UnaryOp(s, "Reciprocal", x);
}
Output Abs(const Scope& s, const Input& x) { return UnaryOp(s, "Abs", x); }
Output Sign(const Scope& s, const Input& x) { return UnaryOp(s, "Sign", x); }
Output Softplus(const Scope& s, const Input& x) {
  return UnaryOp(s, "Softplus", x);
}
Output Maximum(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Maximum", x, y);
}
Output Minimum(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Minimum", x, y);
}
Output Pow(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Pow", x, y);
}
Output SigmoidGrad(const Scope& s, const Input& y, const Input& dy) {
  return BinaryOp(s, "SigmoidGrad", y, dy);
}
Output TanhGrad(const Scope& s, const Input& y, const Input& dy) {
  return BinaryOp(s, "TanhGrad", y, dy);
}
Output AddN(const Scope& s, const std::vector<Output>& inputs) {
  return OpBuilder(s, "AddN").InputList(inputs).Finalize();
}

namespace {
Output Reduction(const Scope& s, const char* op, const Input& x,
                 const Input& axes, bool keep_dims) {
  return OpBuilder(s, op)
      .Input(x)
      .Input(axes)
      .Attr("keep_dims", keep_dims)
      .Finalize();
}
}  // namespace

Output Sum(const Scope& s, const Input& x, const Input& axes, bool keep_dims) {
  return Reduction(s, "Sum", x, axes, keep_dims);
}
Output Mean(const Scope& s, const Input& x, const Input& axes, bool keep_dims) {
  return Reduction(s, "Mean", x, axes, keep_dims);
}
Output Prod(const Scope& s, const Input& x, const Input& axes, bool keep_dims) {
  return Reduction(s, "Prod", x, axes, keep_dims);
}
Output Max(const Scope& s, const Input& x, const Input& axes, bool keep_dims) {
  return Reduction(s, "Max", x, axes, keep_dims);
}
Output Min(const Scope& s, const Input& x, const Input& axes, bool keep_dims) {
  return Reduction(s, "Min", x, axes, keep_dims);
}
Output ArgMax(const Scope& s, const Input& x, const Input& axis,
              DataType output_type) {
  return OpBuilder(s, "ArgMax")
      .Input(x)
      .Input(axis)
      .Attr("output_type", output_type)
      .Finalize();
}
Output Equal(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Equal", x, y);
}
Output Greater(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Greater", x, y);
}
Output GreaterEqual(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "GreaterEqual", x, y);
}
Output Less(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "Less", x, y);
}
Output LessEqual(const Scope& s, const Input& x, const Input& y) {
  return BinaryOp(s, "LessEqual", x, y);
}
Output Cast(const Scope& s, const Input& x, DataType dst) {
  return OpBuilder(s, "Cast").Input(x).Attr("DstT", dst).Finalize();
}

}  // namespace ops
}  // namespace tg
