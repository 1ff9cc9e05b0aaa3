// Variable ops: schemas, shape functions and builders.
// None of them is differentiable.
#include "ops/state_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/op_types.h"

namespace tg {
namespace {

absl::Status VariableShape(InferenceContext& c) {
  TG_ASSIGN_OR_RETURN(auto shape,
                      c.GetAttr<::tensorgraph::TensorShapeProto>("shape"));
  c.set_output(0, PartialShape::FromProto(shape));
  return absl::OkStatus();
}

#define TG_VARIABLE_OP(NAME)            \
  TG_REGISTER_OP(NAME)                  \
      .Output("ref: Ref(dtype)")        \
      .Attr("shape: shape")             \
      .Attr("dtype: type")              \
      .Attr("container: string = ''")   \
      .Attr("shared_name: string = ''") \
      .SetIsStateful()                  \
      .SetShapeFn(VariableShape)

TG_VARIABLE_OP("VariableV2");
// The op TensorFlow graphs used before VariableV2; the same semantics.
TG_VARIABLE_OP("Variable");

TG_REGISTER_OP("Assign")
    .Input("ref: Ref(T)")
    .Input("value: T")
    .Output("output_ref: Ref(T)")
    .Attr("T: type")
    .Attr("validate_shape: bool = true")
    .Attr("use_locking: bool = true")
    .SetAllowsUninitializedInput()
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      TG_ASSIGN_OR_RETURN(bool validate, c.GetAttr<bool>("validate_shape"));
      const PartialShape& ref = c.input(0);
      const PartialShape& value = c.input(1);
      if (validate && ref.IsFullyDefined() && value.IsFullyDefined() &&
          !(ref == value)) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot assign a value of shape ", value.DebugString(),
                         " to a variable of shape ", ref.DebugString()));
      }
      c.set_output(0, value);
      return absl::OkStatus();
    });

// ref += value / ref -= value.
absl::Status AssignUpdateShape(InferenceContext& c) {
  const PartialShape& ref = c.input(0);
  const PartialShape& value = c.input(1);
  if (ref.IsFullyDefined() && value.IsFullyDefined() && !(ref == value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "value of shape ", value.DebugString(),
        " does not match the variable's shape ", ref.DebugString()));
  }
  c.set_output(0, ref);
  return absl::OkStatus();
}

TG_REGISTER_OP("AssignAdd")
    .Input("ref: Ref(T)")
    .Input("value: T")
    .Output("output_ref: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetShapeFn(AssignUpdateShape);

TG_REGISTER_OP("AssignSub")
    .Input("ref: Ref(T)")
    .Input("value: T")
    .Output("output_ref: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetShapeFn(AssignUpdateShape);

TG_REGISTER_NO_GRADIENT_OP("VariableV2");
TG_REGISTER_NO_GRADIENT_OP("Variable");
TG_REGISTER_NO_GRADIENT_OP("Assign");
TG_REGISTER_NO_GRADIENT_OP("AssignAdd");
TG_REGISTER_NO_GRADIENT_OP("AssignSub");

}  // namespace

namespace ops {

Output Variable(const Scope& s, const PartialShape& shape, DataType dtype) {
  AttrValue shape_attr;
  shape.ToProto(shape_attr.mutable_shape());
  return OpBuilder(s, "VariableV2")
      .DefaultName("Variable")
      .Attr("shape", shape_attr)
      .Attr("dtype", dtype)
      .Finalize();
}

Output Assign(const Scope& s, const Input& ref, const Input& value,
              bool validate_shape) {
  return OpBuilder(s, "Assign")
      .Input(ref)
      .Input(value)
      .Attr("validate_shape", validate_shape)
      .Finalize();
}

Output AssignAdd(const Scope& s, const Input& ref, const Input& value) {
  return BinaryOp(s, "AssignAdd", ref, value);
}

Output AssignSub(const Scope& s, const Input& ref, const Input& value) {
  return BinaryOp(s, "AssignSub", ref, value);
}

}  // namespace ops
}  // namespace tg
