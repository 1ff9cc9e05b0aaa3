#include "ops/variables.h"

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/state_ops.h"

namespace tg {
namespace ops {
namespace {

// Gives `var` its initializer "<var>/Assign" and registers both.
Output Register(const Scope& s, const Output& var, const Input& value,
                bool trainable) {
  Output init = Assign(
      s.WithOpName(absl::StrCat(var.node()->name(), "/Assign")), var, value);
  if (!s.ok()) return Output();
  Graph* g = s.graph();
  g->AddToCollection("variables", var.node());
  if (trainable) g->AddToCollection("trainable_variables", var.node());
  g->AddToCollection("initializers", init.node());
  return var;
}

}  // namespace

Output CreateVariable(const Scope& s, const PartialShape& shape, DataType dtype,
                      const Input& initial_value, bool trainable) {
  Output var = Variable(s, shape, dtype);
  if (!s.ok()) return Output();
  return Register(s, var, initial_value, trainable);
}

Output CreateVariable(const Scope& s, const std::vector<int64_t>& shape,
                      DataType dtype, const init::Initializer& initializer,
                      bool trainable) {
  Output var = Variable(s, PartialShape::Of(shape), dtype);
  if (!s.ok()) return Output();
  Output value =
      initializer(s.SubScopeOf(var.op(), "Initializer"), shape, dtype);
  return Register(s, var, value, trainable);
}

Operation GlobalVariablesInitializer(const Scope& s) {
  std::vector<Operation> deps;
  for (Node* n : s.graph()->GetCollection("initializers")) {
    deps.emplace_back(n);
  }
  const Scope named = s.WithOpName("init");
  return NoOp(named.WithControlDependencies(deps));
}

std::vector<Output> TrainableVariables(const Scope& s) {
  std::vector<Output> vars;
  for (Node* n : s.graph()->GetCollection("trainable_variables")) {
    vars.emplace_back(n);
  }
  return vars;
}

}  // namespace ops
}  // namespace tg
