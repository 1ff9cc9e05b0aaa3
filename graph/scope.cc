#include "graph/scope.h"

#include "absl/strings/str_cat.h"

namespace tg {

Output Operation::output(int i) const { return Output(node_, i); }

Output Operation::input(int i) const {
  const Edge* e = node_->input_edge(i);
  return e == nullptr ? Output() : Output(e->src, e->src_output);
}

std::string Output::name() const {
  return absl::StrCat(node_->name(), ":", index_);
}

Scope Scope::NewRootScope() {
  Scope s;
  s.state_ = std::make_shared<State>();
  s.state_->graph = std::make_shared<Graph>();
  return s;
}

std::string Scope::MakeUnique(const std::string& name,
                              absl::flat_hash_map<std::string, int>* counts,
                              bool check_graph) const {
  auto taken = [&](const std::string& n) {
    return counts->contains(n) ||
           (check_graph && graph()->FindNode(n) != nullptr);
  };
  int count = (*counts)[name];
  std::string unique = name;
  if (count > 0 || (check_graph && graph()->FindNode(name) != nullptr)) {
    // TensorFlow's scheme: "MatMul", then "MatMul_1", "MatMul_2", ...
    do {
      unique = absl::StrCat(name, "_", count == 0 ? 1 : count);
      count = count == 0 ? 2 : count + 1;
    } while (taken(unique));
  } else {
    count = 1;
  }
  (*counts)[name] = count;
  (*counts)[unique] = std::max((*counts)[unique], 1);
  return unique;
}

Scope Scope::NewSubScope(absl::string_view name) const {
  Scope s = *this;
  s.op_name_.clear();
  if (name.empty()) return s;
  s.prefix_ = absl::StrCat(
      MakeUnique(absl::StrCat(prefix_, name), &state_->scope_names, false),
      "/");
  return s;
}

Scope Scope::SubScopeOf(const Operation& op, absl::string_view name) const {
  Scope s = *this;
  s.op_name_.clear();
  s.prefix_ = absl::StrCat(MakeUnique(absl::StrCat(op.name(), "/", name),
                                      &state_->scope_names, false),
                           "/");
  return s;
}

Scope Scope::WithOpName(absl::string_view name) const {
  Scope s = *this;
  s.op_name_ = std::string(name);
  return s;
}

Scope Scope::WithDevice(absl::string_view device) const {
  Scope s = *this;
  s.device_ = std::string(device);
  return s;
}

Scope Scope::WithControlDependencies(const std::vector<Operation>& deps) const {
  Scope s = *this;
  s.control_deps_.insert(s.control_deps_.end(), deps.begin(), deps.end());
  return s;
}

Scope Scope::WithResourceVariables(bool on) const {
  Scope s = *this;
  s.resource_variables_ = on;
  return s;
}

Scope Scope::WithNoControlDependencies() const {
  Scope s = *this;
  s.control_deps_.clear();
  return s;
}

void Scope::UpdateStatus(const absl::Status& s) const {
  if (state_->status.ok()) state_->status = s;
}

std::string Scope::GetUniqueNameForOp(absl::string_view default_name) const {
  return MakeUnique(
      absl::StrCat(prefix_, op_name_.empty() ? default_name : op_name_),
      &state_->op_names, true);
}

absl::Status Scope::ToGraphDef(GraphDef* def) const {
  if (!ok()) return status();
  *def = graph()->ToGraphDef();
  return absl::OkStatus();
}

Input::Input(std::initializer_list<std::initializer_list<float>> rows) {
  std::vector<float> values;
  const int64_t cols = rows.size() == 0 ? 0 : rows.begin()->size();
  for (const auto& row : rows) {
    if (static_cast<int64_t>(row.size()) != cols) {
      status_ = absl::InvalidArgumentError(
          "initializer list rows have different lengths");
      return;
    }
    values.insert(values.end(), row.begin(), row.end());
  }
  tensor_ = Tensor::FromVector(
      values, TensorShape({static_cast<int64_t>(rows.size()), cols}));
}

}  // namespace tg
