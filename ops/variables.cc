#include "ops/variables.h"

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/state_ops.h"

namespace tg {
namespace ops {

Output CreateVariable(const Scope& s, const PartialShape& shape, DataType dtype,
                      const Input& initial_value, bool trainable) {
  Output var = Variable(s, shape, dtype);
  if (!s.ok()) return Output();
  Output init =
      Assign(s.WithOpName(absl::StrCat(var.node()->name(), "/Assign")), var,
             initial_value);
  if (!s.ok()) return Output();
  Graph* g = s.graph();
  g->AddToCollection("variables", var.node());
  if (trainable) g->AddToCollection("trainable_variables", var.node());
  g->AddToCollection("initializers", init.node());
  return var;
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
