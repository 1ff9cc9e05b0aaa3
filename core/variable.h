// Variables: named, mutable tensors that persist across runs of a session.
//
// A VariableV2 node hands its Variable to consumers through a reference
// edge; Assign and Apply* kernels update its tensor in place. The store is
// owned by a session. Runs of one session are serialized (see
// runtime/session.h), so variables need no lock of their own.
#ifndef TG_CORE_VARIABLE_H_
#define TG_CORE_VARIABLE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/tensor.h"

namespace tg {

struct Variable {
  std::string name;  // The node (or shared_name) it belongs to.
  Tensor tensor;
  bool initialized = false;
  // The memory of the device whose VariableV2 kernel owns the variable;
  // null until a kernel claims it (then host memory is meant). Values
  // written from outside a step (the Saver's restore) go there.
  Allocator* memory = nullptr;
  // A resource variable destroyed by DestroyResourceOp: lookups through a
  // handle fail with NotFound until it is assigned again.
  bool destroyed = false;
};

// `value` as the variable's new tensor, copied into the variable's memory:
// the old buffer is overwritten in place when dtype and shape agree (so
// tensors already read from it see the change, as kernels expect).
absl::Status SetVariableValue(Variable* v, const Tensor& value);

// The error for reading `v` before it was assigned, naming it.
absl::Status UninitializedVariableError(const Variable& v);

class VariableStore {
 public:
  // The variable called `name`, created uninitialized on first use. The
  // pointer stays valid for the store's lifetime.
  Variable* GetOrCreate(const std::string& name);
  Variable* Find(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<Variable>> vars_;
};

}  // namespace tg

#endif  // TG_CORE_VARIABLE_H_
