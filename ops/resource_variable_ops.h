// Builders for resource variables (TensorFlow 2's): a handle from
// VarHandleOp, then reads, assignments, gathers and updates through it.
//
//   auto v = ops::VarHandleOp(s.WithOpName("w"), DT_FLOAT, {2, 3});
//   auto init = ops::AssignVariableOp(s, v, ops::Const(s, 0.0f, {2, 3}));
//   auto w = ops::ReadVariableOp(s, v, DT_FLOAT);
#ifndef TG_OPS_RESOURCE_VARIABLE_OPS_H_
#define TG_OPS_RESOURCE_VARIABLE_OPS_H_

#include <string>

#include "core/shape_inference.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

// The variable is called `shared_name` in the session's store; empty: the
// node's name.
Output VarHandleOp(const Scope& s, DataType dtype, const PartialShape& shape,
                   const std::string& shared_name = "");
Output ReadVariableOp(const Scope& s, const Input& handle, DataType dtype);
// Creates the variable if it does not exist, then stores `value`.
Operation AssignVariableOp(const Scope& s, const Input& handle,
                           const Input& value);
Operation AssignAddVariableOp(const Scope& s, const Input& handle,
                              const Input& value);
Operation AssignSubVariableOp(const Scope& s, const Input& handle,
                              const Input& value);
Output VarIsInitializedOp(const Scope& s, const Input& handle);
Operation DestroyResourceOp(const Scope& s, const Input& handle);
// Rows of the variable by index (axis 0).
Output ResourceGather(const Scope& s, const Input& handle, const Input& indices,
                      DataType dtype);
// var -= alpha * delta.
Operation ResourceApplyGradientDescent(const Scope& s, const Input& var,
                                       const Input& alpha, const Input& delta);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_RESOURCE_VARIABLE_OPS_H_
