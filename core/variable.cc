#include "core/variable.h"

#include "absl/strings/str_cat.h"

namespace tg {

absl::Status UninitializedVariableError(const Variable& v) {
  return absl::FailedPreconditionError(
      absl::StrCat("attempting to use uninitialized variable '", v.name,
                   "'; run its initializer (e.g. the 'init' op) first"));
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
