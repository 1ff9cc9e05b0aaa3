// Builders for variables (TensorFlow 1 reference variables) and updates.
#ifndef TG_OPS_STATE_OPS_H_
#define TG_OPS_STATE_OPS_H_

#include "core/shape_inference.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

// A VariableV2 node: a persistent tensor of `shape` and `dtype`, handed out
// through a reference edge. It must be assigned before it is read.
Output Variable(const Scope& s, const PartialShape& shape, DataType dtype);
// ref = value; returns the updated reference.
Output Assign(const Scope& s, const Input& ref, const Input& value,
              bool validate_shape = true);
// ref += value and ref -= value, in place; return the updated reference.
Output AssignAdd(const Scope& s, const Input& ref, const Input& value);
Output AssignSub(const Scope& s, const Input& ref, const Input& value);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_STATE_OPS_H_
