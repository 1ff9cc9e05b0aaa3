#include "core/variable.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::Status UninitializedVariableError(const Variable& v) {
  return absl::FailedPreconditionError(
      absl::StrCat("attempting to use uninitialized variable '", v.name,
                   "'; run its initializer (e.g. the 'init' op) first"));
}

absl::Status SetVariableValue(Variable* v, const Tensor& value) {
  if (v->initialized && v->tensor.shape() == value.shape() &&
      v->tensor.dtype() == value.dtype()) {
    return v->tensor.CopyValuesFrom(value);
  }
  // The variable owns its buffer: updates write it in place, and the value
  // may be a constant's shared buffer.
  TG_ASSIGN_OR_RETURN(
      v->tensor,
      value.CheckedDeepCopy(v->memory != nullptr ? v->memory : CpuAllocator()));
  v->initialized = true;
  return absl::OkStatus();
}

Variable* VariableStore::GetOrCreate(const std::string& name) {
  std::unique_ptr<Variable>& v = vars_[name];
  if (v == nullptr) {
    v = std::make_unique<Variable>();
    v->name = name;
  }
  return v.get();
}

Variable* VariableStore::Find(const std::string& name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : it->second.get();
}

std::vector<std::string> VariableStore::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, v] : vars_) names.push_back(name);
  return names;
}

}  // namespace tg
