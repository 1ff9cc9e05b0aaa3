// Resource variables (TensorFlow 2's): a VarHandleOp yields a DT_RESOURCE
// handle naming a variable of the session's store by container and
// shared_name; reads, assignments and optimizer updates take the handle.
// The gradient of ReadVariableOp goes to the handle unchanged, so the
// gradient with respect to a handle sums over its reads.
#include "ops/resource_variable_ops.h"

#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/gather_ops.h"
#include "ops/op_types.h"
#include "ops/slicing_ops.h"

namespace tg {
namespace {

absl::Status ScalarShape(InferenceContext& c) {
  c.set_output(0, PartialShape::Scalar());
  return absl::OkStatus();
}

absl::Status HandleShape(InferenceContext& c) {
  TG_RETURN_IF_ERROR(
      c.GetAttr<::tensorgraph::TensorShapeProto>("shape").status());
  c.set_output(0, PartialShape::Scalar());
  return absl::OkStatus();
}

TG_REGISTER_OP("VarHandleOp")
    .Output("resource: resource")
    .Attr("container: string = ''")
    .Attr("shared_name: string = ''")
    .Attr("debug_name: string = ''")
    .Attr("dtype: type")
    .Attr("shape: shape")
    .Attr("allowed_devices: list(string) = []")
    .SetIsStateful()
    .SetShapeFn(HandleShape);

// The variable's shape, when the handle's VarHandleOp says.
absl::Status ReadShape(InferenceContext& c) {
  c.set_output(0, c.input_handle_shape(0));
  return absl::OkStatus();
}

TG_REGISTER_OP("ReadVariableOp")
    .Input("resource: resource")
    .Output("value: dtype")
    .Attr("dtype: type")
    .SetIsStateful()
    .SetShapeFn(ReadShape);

TG_REGISTER_OP("AssignVariableOp")
    .Input("resource: resource")
    .Input("value: dtype")
    .Attr("dtype: type")
    .Attr("validate_shape: bool = false")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("AssignAddVariableOp")
    .Input("resource: resource")
    .Input("value: dtype")
    .Attr("dtype: type")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("AssignSubVariableOp")
    .Input("resource: resource")
    .Input("value: dtype")
    .Attr("dtype: type")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("VarIsInitializedOp")
    .Input("resource: resource")
    .Output("is_initialized: bool")
    .SetIsStateful()
    .SetShapeFn(ScalarShape);

TG_REGISTER_OP("DestroyResourceOp")
    .Input("resource: resource")
    .Attr("ignore_lookup_error: bool = true")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("DisableCopyOnRead")
    .Input("resource: resource")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("ResourceGather")
    .Input("resource: resource")
    .Input("indices: Tindices")
    .Output("output: dtype")
    .Attr("batch_dims: int = 0")
    .Attr("validate_indices: bool = true")
    .Attr("dtype: type")
    .Attr("Tindices: {int32, int64}")
    .SetIsStateful()
    .SetShapeFn([](InferenceContext& c) -> absl::Status {
      // indices.shape + the variable's shape without its first dim.
      const PartialShape var = c.input_handle_shape(0);
      const PartialShape& indices = c.input(1);
      if (!var.known_rank || !indices.known_rank || var.rank() < 1) {
        c.set_output(0, PartialShape());
        return absl::OkStatus();
      }
      PartialShape out = indices;
      out.dims.insert(out.dims.end(), var.dims.begin() + 1, var.dims.end());
      c.set_output(0, out);
      return absl::OkStatus();
    });

TG_REGISTER_OP("ResourceApplyGradientDescent")
    .Input("var: resource")
    .Input("alpha: T")
    .Input("delta: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

TG_REGISTER_OP("ResourceApplyMomentum")
    .Input("var: resource")
    .Input("accum: resource")
    .Input("lr: T")
    .Input("grad: T")
    .Input("momentum: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .Attr("use_nesterov: bool = false")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

// RMSProp's resource update, centered (with the mean gradient mg) or not.
OpDefBuilder ResourceRMSProp(const char* name, bool centered) {
  OpDefBuilder b(name);
  b.Input("var: resource");
  if (centered) b.Input("mg: resource");
  b.Input("ms: resource")
      .Input("mom: resource")
      .Input("lr: T")
      .Input("rho: T")
      .Input("momentum: T")
      .Input("epsilon: T")
      .Input("grad: T")
      .Attr("T: " TG_NUMBER_TYPES)
      .Attr("use_locking: bool = false")
      .SetIsStateful()
      .SetShapeFn(NoOutputsShape);
  return b;
}
const OpRegistrar kRMSProp(ResourceRMSProp("ResourceApplyRMSProp", false));
const OpRegistrar kCenteredRMSProp(
    ResourceRMSProp("ResourceApplyCenteredRMSProp", true));

TG_REGISTER_OP("ResourceApplyAdam")
    .Input("var: resource")
    .Input("m: resource")
    .Input("v: resource")
    .Input("beta1_power: T")
    .Input("beta2_power: T")
    .Input("lr: T")
    .Input("beta1: T")
    .Input("beta2: T")
    .Input("epsilon: T")
    .Input("grad: T")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .Attr("use_nesterov: bool = false")
    .SetIsStateful()
    .SetShapeFn(NoOutputsShape);

// The read's gradient is the gradient of the variable, carried by its
// handle.
absl::Status ReadVariableGrad(const Scope&, const Operation&,
                              const std::vector<Output>& dy,
                              std::vector<Output>* dx) {
  dx->push_back(dy[0]);
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("ReadVariableOp", ReadVariableGrad);
// d/d handle of gather(v, indices) along axis 0: each row of dy added to
// the row of v it was read from, as a dense tensor of v's shape (TensorFlow
// gives the same rows as IndexedSlices); the indices get none.
absl::Status ResourceGatherGrad(const Scope& s, const Operation& op,
                                const std::vector<Output>& dy,
                                std::vector<Output>* dx) {
  TG_ASSIGN_OR_RETURN(int64_t batch_dims,
                      GetAttr<int64_t>(op.node()->attrs(), "batch_dims"));
  TG_REQUIRE(batch_dims == 0, Unimplemented,
             "the gradient of ResourceGather with batch_dims != 0");
  TG_ASSIGN_OR_RETURN(DataType dtype,
                      GetAttr<DataType>(op.node()->attrs(), "dtype"));
  const Output handle = op.input(0), indices = op.input(1);
  Output shape = ops::Shape(s, ops::ReadVariableOp(s, handle, dtype));
  Output rows = ops::Reshape(s, ops::Slice(s, shape, {0}, {1}),
                             Tensor::FromVector<int32_t>({}));
  Output rest = ops::Slice(s, shape, {1}, {-1});
  Output flat =
      ops::Reshape(s, dy[0], ops::ConcatV2(s, {ops::Const(s, {-1}), rest}, 0));
  dx->push_back(
      ops::UnsortedSegmentSum(s, flat, ops::Reshape(s, indices, {-1}), rows));
  dx->push_back(NoGradient());
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("ResourceGather", ResourceGatherGrad);

// Handles, assignments and updates carry no gradient.
TG_REGISTER_NO_GRADIENT_OP("VarHandleOp");
TG_REGISTER_NO_GRADIENT_OP("AssignVariableOp");
TG_REGISTER_NO_GRADIENT_OP("AssignAddVariableOp");
TG_REGISTER_NO_GRADIENT_OP("AssignSubVariableOp");
TG_REGISTER_NO_GRADIENT_OP("VarIsInitializedOp");
TG_REGISTER_NO_GRADIENT_OP("DestroyResourceOp");
TG_REGISTER_NO_GRADIENT_OP("DisableCopyOnRead");
TG_REGISTER_NO_GRADIENT_OP("ResourceApplyGradientDescent");
TG_REGISTER_NO_GRADIENT_OP("ResourceApplyMomentum");
TG_REGISTER_NO_GRADIENT_OP("ResourceApplyRMSProp");
TG_REGISTER_NO_GRADIENT_OP("ResourceApplyAdam");
TG_REGISTER_NO_GRADIENT_OP("ResourceApplyCenteredRMSProp");

}  // namespace

namespace ops {

Output VarHandleOp(const Scope& s, DataType dtype, const PartialShape& shape,
                   const std::string& shared_name) {
  AttrValue shape_attr;
  shape.ToProto(shape_attr.mutable_shape());
  return OpBuilder(s, "VarHandleOp")
      .DefaultName("VarHandleOp")
      .Attr("dtype", dtype)
      .Attr("shape", shape_attr)
      .Attr("shared_name", shared_name)
      .Finalize();
}

Output ReadVariableOp(const Scope& s, const Input& handle, DataType dtype) {
  return OpBuilder(s, "ReadVariableOp")
      .Input(handle)
      .Attr("dtype", dtype)
      .Finalize();
}

Operation AssignVariableOp(const Scope& s, const Input& handle,
                           const Input& value) {
  return OpBuilder(s, "AssignVariableOp").Input(handle).Input(value).Finalize();
}

Operation AssignAddVariableOp(const Scope& s, const Input& handle,
                              const Input& value) {
  return OpBuilder(s, "AssignAddVariableOp")
      .Input(handle)
      .Input(value)
      .Finalize();
}

Operation AssignSubVariableOp(const Scope& s, const Input& handle,
                              const Input& value) {
  return OpBuilder(s, "AssignSubVariableOp")
      .Input(handle)
      .Input(value)
      .Finalize();
}

Output VarIsInitializedOp(const Scope& s, const Input& handle) {
  return OpBuilder(s, "VarIsInitializedOp").Input(handle).Finalize();
}

Operation DestroyResourceOp(const Scope& s, const Input& handle) {
  return OpBuilder(s, "DestroyResourceOp").Input(handle).Finalize();
}

Output ResourceGather(const Scope& s, const Input& handle, const Input& indices,
                      DataType dtype) {
  return OpBuilder(s, "ResourceGather")
      .Input(handle)
      .Input(indices)
      .Attr("dtype", dtype)
      .Finalize();
}

Operation ResourceApplyGradientDescent(const Scope& s, const Input& var,
                                       const Input& alpha, const Input& delta) {
  return OpBuilder(s, "ResourceApplyGradientDescent")
      .Input(var)
      .Input(alpha)
      .Input(delta)
      .Finalize();
}

}  // namespace ops
}  // namespace tg
