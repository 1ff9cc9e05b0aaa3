// Variables the way TensorFlow's Python API makes them: a VariableV2 node,
// an Assign "<name>/Assign" that gives it its initial value, and
// membership of the graph's "variables" (and "trainable_variables")
// collections, so that GlobalVariablesInitializer and optimizers find them.
// Under Scope::WithResourceVariables, a resource variable instead: a
// VarHandleOp "<name>" (shared_name the same), an AssignVariableOp
// "<name>/Assign", and the value read by "<name>/Read/ReadVariableOp",
// which is what CreateVariable returns; the collections hold the handle.
#ifndef TG_OPS_VARIABLES_H_
#define TG_OPS_VARIABLES_H_

#include <vector>

#include "core/shape_inference.h"
#include "graph/scope.h"
#include "ops/initializers.h"

namespace tg {
namespace ops {

// `s` names the variable (use s.WithOpName("kernel") for a fixed name).
// `initial_value` must have `shape`; it runs only when the initializer runs.
Output CreateVariable(const Scope& s, const PartialShape& shape, DataType dtype,
                      const Input& initial_value, bool trainable = true);

// As above, with the initial value built by `initializer` under
// "<variable name>/Initializer" once the variable's name is known.
Output CreateVariable(const Scope& s, const std::vector<int64_t>& shape,
                      DataType dtype, const init::Initializer& initializer,
                      bool trainable = true);

// A NoOp "init" that runs the initializer of every variable created so far
// through CreateVariable (or by an optimizer for its slots).
Operation GlobalVariablesInitializer(const Scope& s);

// Every variable created through CreateVariable (and optimizers' slots),
// in creation order (for resource variables, their handles).
std::vector<Output> GlobalVariables(const Scope& s);
// The variables created as trainable, in creation order (for resource
// variables, their handles).
std::vector<Output> TrainableVariables(const Scope& s);

// The variable behind `v`: a VariableV2 output, a resource handle, or a
// ReadVariableOp of one (what CreateVariable returns for resource
// variables). Invalid `node` when `v` is none of them.
struct VariableInfo {
  Node* node = nullptr;  // The VariableV2 or VarHandleOp.
  bool resource = false;
  Output handle;  // Resource variables: the handle.
  DataType dtype = DT_INVALID;
  PartialShape shape;
};
VariableInfo GetVariableInfo(const Output& v);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_VARIABLES_H_
