// Array ops: schemas, shape functions, gradients and builders.
#include "ops/array_ops.h"

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/math_ops.h"
#include "ops/op_types.h"

namespace tg {
namespace {

absl::Status ShapeFromAttr(InferenceContext& c) {
  TG_ASSIGN_OR_RETURN(auto shape,
                      c.GetAttr<::tensorgraph::TensorShapeProto>("shape"));
  c.set_output(0, PartialShape::FromProto(shape));
  return absl::OkStatus();
}

TG_REGISTER_OP("Placeholder")
    .Output("output: dtype")
    .Attr("dtype: type")
    .Attr("shape: shape = unknown")
    .SetShapeFn(ShapeFromAttr);

TG_REGISTER_OP("PlaceholderWithDefault")
    .Input("input: dtype")
    .Output("output: dtype")
    .Attr("dtype: type")
    .Attr("shape: shape")
    .SetShapeFn(ShapeFromAttr);

TG_REGISTER_OP("Const")
    .Output("output: dtype")
    .Attr("value: tensor")
    .Attr("dtype: type")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(c.attrs(), "value"));
      TG_ASSIGN_OR_RETURN(DataType dtype, c.GetAttr<DataType>("dtype"));
      if (v->tensor().dtype() != dtype) {
        return absl::InvalidArgumentError(
            absl::StrCat("value is ", DataTypeName(v->tensor().dtype()),
                         " but dtype is ", DataTypeName(dtype)));
      }
      c.set_output(0, PartialShape::FromProto(v->tensor().tensor_shape()));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Identity")
    .Input("input: T")
    .Output("output: T")
    .Attr("T: type")
    .SetShapeFn(UnchangedShape);

// Passes each input through (what an inlined function call leaves behind,
// keeping the call's name and outputs).
TG_REGISTER_OP("IdentityN")
    .Input("input: T")
    .Output("output: T")
    .Attr("T: list(type) >= 1")
    .SetShapeFn([](InferenceContext& c) {
      for (int i = 0; i < c.num_outputs() && i < c.num_inputs(); ++i) {
        c.set_output(i, c.input(i));
      }
      return absl::OkStatus();
    });

TG_REGISTER_OP("StopGradient")
    .Input("input: T")
    .Output("output: T")
    .Attr("T: type")
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("NoOp").SetShapeFn(NoOutputsShape);

// Fills in a -1 in `dims` from the element count of `input`.
absl::Status ReshapeShape(InferenceContext& c) {
  const Tensor* shape_value = c.input_value(1);
  const PartialShape& in = c.input(0);
  if (shape_value == nullptr) {
    PartialShape out;
    TG_RETURN_IF_ERROR(ShapeFromShapeTensor(c, 1, &out));
    c.set_output(0, std::move(out));
    return absl::OkStatus();
  }
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims, TensorToInt64s(*shape_value));
  int unknown = -1;
  int64_t known_product = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (unknown >= 0) {
        return absl::InvalidArgumentError("shape has more than one -1");
      }
      unknown = static_cast<int>(i);
    } else if (dims[i] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("shape has a negative dimension ", dims[i]));
    } else {
      TG_REQUIRE(CheckedMul(known_product, dims[i], &known_product),
                 InvalidArgument, "shape ", DimsString(dims),
                 " has too many elements");
    }
  }
  PartialShape out = PartialShape::Of(dims);
  if (in.IsFullyDefined()) {
    int64_t n = 1;
    for (int64_t d : in.dims) n = SaturatingMul(n, d);
    if (unknown >= 0) {
      if (known_product == 0 || n % known_product != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot reshape a tensor of ", n, " elements ",
                         in.DebugString(), " to ", out.DebugString()));
      }
      out.dims[unknown] = n / known_product;
    } else if (n != known_product) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cannot reshape a tensor of ", n, " elements ", in.DebugString(),
          " to ", out.DebugString(), " (", known_product, " elements)"));
    }
  }
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

TG_REGISTER_OP("Reshape")
    .Input("tensor: T")
    .Input("shape: Tshape")
    .Output("output: T")
    .Attr("T: type")
    .Attr("Tshape: " TG_INDEX_TYPES " = int32")
    .SetShapeFn(ReshapeShape);

TG_REGISTER_OP("Shape")
    .Input("input: T")
    .Output("output: out_type")
    .Attr("T: type")
    .Attr("out_type: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) {
      c.set_output(0, PartialShape::Of({c.input(0).rank()}));
      return absl::OkStatus();
    });

TG_REGISTER_OP("Fill")
    .Input("dims: index_type")
    .Input("value: T")
    .Output("output: T")
    .Attr("T: type")
    .Attr("index_type: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      if (c.input(1).known_rank && c.input(1).rank() != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "value must be a scalar, got shape ", c.input(1).DebugString()));
      }
      PartialShape out;
      TG_RETURN_IF_ERROR(ShapeFromShapeTensor(c, 0, &out));
      c.set_output(0, std::move(out));
      return absl::OkStatus();
    });

TG_REGISTER_OP("ZerosLike")
    .Input("x: T")
    .Output("y: T")
    .Attr("T: type")
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("OnesLike")
    .Input("x: T")
    .Output("y: T")
    .Attr("T: type")
    .SetShapeFn(UnchangedShape);

TG_REGISTER_OP("BroadcastGradientArgs")
    .Input("s0: T")
    .Input("s1: T")
    .Output("r0: T")
    .Output("r1: T")
    .Attr("T: " TG_INDEX_TYPES " = int32")
    .SetShapeFn([](InferenceContext& c) {
      c.set_output(0, PartialShape::UnknownDims(1));
      c.set_output(1, PartialShape::UnknownDims(1));
      return absl::OkStatus();
    });

// ---------------------------------------------------------------------------
// Gradients.

// Identity passes the gradient through unchanged.
absl::Status IdentityGrad(const Scope&, const Operation&,
                          const std::vector<Output>& dy,
                          std::vector<Output>* dx) {
  dx->push_back(dy[0]);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Identity", IdentityGrad);

absl::Status IdentityNGrad(const Scope&, const Operation&,
                           const std::vector<Output>& dy,
                           std::vector<Output>* dx) {
  *dx = dy;
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("IdentityN", IdentityNGrad);
TG_REGISTER_GRADIENT_OP("PlaceholderWithDefault", IdentityGrad);

// d/dx reshape(x, s) = reshape(dy, shape(x)); the shape gets none.
absl::Status ReshapeGrad(const Scope& s, const Operation& op,
                         const std::vector<Output>& dy,
                         std::vector<Output>* dx) {
  dx->push_back(ops::Reshape(s, dy[0], ops::Shape(s, op.input(0))));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Reshape", ReshapeGrad);

// fill(dims, v) repeats v, so d/dv = sum(dy) over every axis.
absl::Status FillGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx) {
  const int rank = op.output(0).shape().rank();
  if (rank < 0) {
    return absl::UnimplementedError(
        "the gradient of Fill needs the rank of its output");
  }
  std::vector<int32_t> axes(rank);
  for (int i = 0; i < rank; ++i) axes[i] = i;
  dx->push_back(NoGradient());
  dx->push_back(ops::Sum(s, dy[0], Tensor::FromVector(axes)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("Fill", FillGrad);

TG_REGISTER_NO_GRADIENT_OP("Placeholder");
TG_REGISTER_NO_GRADIENT_OP("Const");
TG_REGISTER_NO_GRADIENT_OP("StopGradient");
TG_REGISTER_NO_GRADIENT_OP("NoOp");
TG_REGISTER_NO_GRADIENT_OP("Shape");
TG_REGISTER_NO_GRADIENT_OP("ZerosLike");
TG_REGISTER_NO_GRADIENT_OP("OnesLike");
TG_REGISTER_NO_GRADIENT_OP("BroadcastGradientArgs");

}  // namespace

namespace ops {

Output Placeholder(const Scope& s, DataType dtype, const PartialShape& shape) {
  AttrValue shape_attr;
  shape.ToProto(shape_attr.mutable_shape());
  return OpBuilder(s, "Placeholder")
      .Attr("dtype", dtype)
      .Attr("shape", shape_attr)
      .Finalize();
}

Output PlaceholderWithDefault(const Scope& s, const Input& input,
                              const PartialShape& shape) {
  AttrValue shape_attr;
  shape.ToProto(shape_attr.mutable_shape());
  return OpBuilder(s, "PlaceholderWithDefault")
      .Input(input)
      .Attr("shape", shape_attr)
      .Finalize();
}

Output Const(const Scope& s, const Input& value) { return value.ToOutput(s); }

Output ScalarConst(const Scope& s, double value, DataType dtype) {
  Tensor t(dtype, TensorShape());
  const bool ok = DispatchDataType(dtype, [&](auto zero) {
    t.flat<decltype(zero)>()[0] = static_cast<decltype(zero)>(value);
  });
  if (!ok) {
    s.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        "cannot make a scalar constant of dtype ", DataTypeName(dtype))));
    return Output();
  }
  return Const(s, t);
}

Output Identity(const Scope& s, const Input& input) {
  return UnaryOp(s, "Identity", input);
}
Output StopGradient(const Scope& s, const Input& input) {
  return UnaryOp(s, "StopGradient", input);
}
Operation NoOp(const Scope& s) { return OpBuilder(s, "NoOp").Finalize(); }

Output Reshape(const Scope& s, const Input& tensor, const Input& shape) {
  return OpBuilder(s, "Reshape").Input(tensor).Input(shape).Finalize();
}

Output Shape(const Scope& s, const Input& input, DataType out_type) {
  return OpBuilder(s, "Shape")
      .Input(input)
      .Attr("out_type", out_type)
      .Finalize();
}

Output Fill(const Scope& s, const Input& dims, const Input& value) {
  return OpBuilder(s, "Fill").Input(dims).Input(value).Finalize();
}

Output ZerosLike(const Scope& s, const Input& x) {
  return UnaryOp(s, "ZerosLike", x);
}
Output OnesLike(const Scope& s, const Input& x) {
  return UnaryOp(s, "OnesLike", x);
}

BroadcastGradientArgsOutputs BroadcastGradientArgs(const Scope& s,
                                                   const Input& s0,
                                                   const Input& s1) {
  Operation op =
      OpBuilder(s, "BroadcastGradientArgs").Input(s0).Input(s1).Finalize();
  if (!op.valid()) return {};
  return {op.output(0), op.output(1)};
}

}  // namespace ops
}  // namespace tg
