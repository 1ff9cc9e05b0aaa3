#include "ops/variables.h"

#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/resource_variable_ops.h"
#include "ops/state_ops.h"

namespace tg {
namespace ops {
namespace {

// Gives `var` its initializer "<var>/Assign" and registers both; returns
// what the variable's users read (the variable, or a resource variable's
// "<var>/Read/ReadVariableOp").
Output Register(const Scope& s, const Output& var, const Input& value,
                bool trainable) {
  const std::string name = var.node()->name();
  const bool resource = var.type() == DT_RESOURCE;
  const Scope named = s.WithOpName(absl::StrCat(name, "/Assign"));
  Node* init = resource ? AssignVariableOp(named, var, value).node()
                        : Assign(named, var, value).node();
  if (!s.ok()) return Output();
  Graph* g = s.graph();
  g->AddToCollection("variables", var.node());
  if (trainable) g->AddToCollection("trainable_variables", var.node());
  g->AddToCollection("initializers", init);
  if (!resource) return var;
  return ReadVariableOp(
      s.WithOpName(absl::StrCat(name, "/Read/ReadVariableOp")), var,
      BaseType(GetVariableInfo(var).dtype));
}

// A VariableV2, or under WithResourceVariables a VarHandleOp, named as the
// scope says (its variable is the node's name: shared_name left empty).
Output NewVariable(const Scope& s, const PartialShape& shape, DataType dtype) {
  if (!s.resource_variables()) return Variable(s, shape, dtype);
  AttrValue shape_attr;
  shape.ToProto(shape_attr.mutable_shape());
  return OpBuilder(s, "VarHandleOp")
      .DefaultName("Variable")
      .Attr("dtype", dtype)
      .Attr("shape", shape_attr)
      .Finalize();
}

}  // namespace

Output CreateVariable(const Scope& s, const PartialShape& shape, DataType dtype,
                      const Input& initial_value, bool trainable) {
  Output var = NewVariable(s, shape, dtype);
  if (!s.ok()) return Output();
  return Register(s, var, initial_value, trainable);
}

Output CreateVariable(const Scope& s, const std::vector<int64_t>& shape,
                      DataType dtype, const init::Initializer& initializer,
                      bool trainable) {
  Output var = NewVariable(s, PartialShape::Of(shape), dtype);
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

std::vector<Output> GlobalVariables(const Scope& s) {
  std::vector<Output> vars;
  for (Node* n : s.graph()->GetCollection("variables")) vars.emplace_back(n);
  return vars;
}

std::vector<Output> TrainableVariables(const Scope& s) {
  std::vector<Output> vars;
  for (Node* n : s.graph()->GetCollection("trainable_variables")) {
    vars.emplace_back(n);
  }
  return vars;
}

VariableInfo GetVariableInfo(const Output& v) {
  VariableInfo info;
  Node* n = v.node();
  if (n == nullptr) return info;
  if (n->op() == "ReadVariableOp") {
    const Edge* e = n->input_edge(0);
    if (e == nullptr) return info;
    n = e->src;
  }
  if (n->op() == "VariableV2" || n->op() == "Variable") {
    info.node = n;
    info.dtype = BaseType(n->output_type(0));
    info.shape = n->output_shape(0);
    return info;
  }
  if (n->op() != "VarHandleOp") return info;
  absl::StatusOr<DataType> dtype = GetAttr<DataType>(n->attrs(), "dtype");
  absl::StatusOr<::tensorgraph::TensorShapeProto> shape =
      GetAttr<::tensorgraph::TensorShapeProto>(n->attrs(), "shape");
  if (!dtype.ok() || !shape.ok()) return info;
  info.node = n;
  info.resource = true;
  info.handle = Output(n, 0);
  info.dtype = *dtype;
  info.shape = PartialShape::FromProto(*shape);
  return info;
}

}  // namespace ops
}  // namespace tg
