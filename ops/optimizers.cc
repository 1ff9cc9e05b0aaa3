#include "ops/optimizers.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/initializers.h"
#include "ops/math_ops.h"
#include "ops/resource_variable_ops.h"
#include "ops/state_ops.h"
#include "ops/training_ops.h"
#include "ops/variables.h"

namespace tg {
namespace train {

absl::StatusOr<Operation> Optimizer::Minimize(const Scope& scope,
                                              const Output& loss,
                                              std::vector<Output> var_list,
                                              const Output& global_step) {
  if (!scope.ok()) return scope.status();
  if (!loss.valid()) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": null loss"));
  }
  if (var_list.empty()) {
    // Walk back from the loss to the variables it reads.
    const Graph& g = *scope.graph();
    std::vector<bool> seen(g.num_nodes(), false);
    std::vector<Node*> stack = {loss.node()};
    absl::flat_hash_set<Node*> reached;
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      if (seen[n->id()]) continue;
      seen[n->id()] = true;
      if (n->op() == "VariableV2" || n->op() == "Variable" ||
          n->op() == "VarHandleOp") {
        reached.insert(n);
      }
      for (const Edge* e : n->in_edges()) {
        if (!e->IsControl()) stack.push_back(e->src);
      }
    }
    const std::vector<Node*>& trainable =
        g.GetCollection("trainable_variables");
    if (!trainable.empty()) {
      for (Node* n : trainable) {
        if (reached.contains(n)) var_list.emplace_back(n);
      }
    } else {
      for (Node* n : g.nodes()) {
        if (reached.contains(n)) var_list.emplace_back(n);
      }
    }
    if (var_list.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          name_, ": the loss '", loss.name(), "' depends on no variable"));
    }
  }
  std::vector<Output> grads;
  TG_RETURN_IF_ERROR(AddSymbolicGradients(scope, {loss}, var_list, &grads));
  std::vector<std::pair<Output, Output>> pairs;
  for (size_t i = 0; i < grads.size(); ++i) {
    pairs.emplace_back(grads[i], var_list[i]);
  }
  return ApplyGradients(scope, pairs, global_step);
}

absl::StatusOr<Operation> Optimizer::ApplyGradients(
    const Scope& scope,
    const std::vector<std::pair<Output, Output>>& grads_and_vars,
    const Output& global_step) {
  if (!scope.ok()) return scope.status();
  if (grads_and_vars.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name_, ": no variables"));
  }
  std::vector<ops::VariableInfo> infos;
  for (const auto& [grad, var] : grads_and_vars) {
    ops::VariableInfo info = ops::GetVariableInfo(var);
    TG_REQUIRE(grad.valid() && var.valid(), InvalidArgument, name_,
               ": null gradient or variable");
    TG_REQUIRE(info.node != nullptr, InvalidArgument, name_, ": '", var.name(),
               "' is not a variable (a VariableV2, a resource handle or a read "
               "of one)");
    infos.push_back(info);
  }
  resource_ = infos[0].resource;
  const Scope s = scope.NewSubScope(name_);
  TG_RETURN_IF_ERROR(Prepare(scope, infos[0].dtype));
  std::vector<Operation> updates;
  for (size_t i = 0; i < infos.size(); ++i) {
    const ops::VariableInfo& info = infos[i];
    TG_REQUIRE(info.resource == resource_, InvalidArgument, name_,
               ": resource and reference variables in one update");
    const Scope us = s.NewSubScope(absl::StrCat("update_", info.node->name()));
    const Output var = info.resource ? info.handle : Output(info.node, 0);
    updates.push_back(ApplyDense(scope, us, grads_and_vars[i].first, var).op());
    if (!scope.ok()) return scope.status();
  }
  std::vector<Operation> all = updates;
  for (const Operation& op : Finish(s, updates)) all.push_back(op);
  if (global_step.valid()) {
    const Scope gs = s.WithControlDependencies(updates);
    all.push_back(
        ops::AssignAdd(gs, global_step,
                       ops::ScalarConst(gs, 1, BaseType(global_step.type())))
            .op());
  }
  Operation train =
      ops::NoOp(scope.WithOpName(name_).WithControlDependencies(all));
  if (!scope.ok()) return scope.status();
  return train;
}

namespace {

// What an update takes for a variable CreateVariable returned.
Output Updatable(const Output& created) {
  const ops::VariableInfo info = ops::GetVariableInfo(created);
  return info.resource ? info.handle : created;
}

}  // namespace

Output Optimizer::Slot(const Scope& root, const Output& var, double value) {
  const ops::VariableInfo info = ops::GetVariableInfo(var);
  const PartialShape& shape = info.shape;
  if (!shape.IsFullyDefined()) {
    root.UpdateStatus(absl::InvalidArgumentError(absl::StrCat(
        name_, ": the slot of '", info.node->name(),
        "' needs the variable's full shape, got ", shape.DebugString())));
    return Output();
  }
  // "W/Adam", then "W/Adam_1": the builder makes the name unique.
  return Updatable(ops::CreateVariable(
      root.WithResourceVariables(resource_).WithOpName(
          absl::StrCat(info.node->name(), "/", name_)),
      std::vector<int64_t>(shape.dims.begin(), shape.dims.end()), info.dtype,
      init::Constant(value), /*trainable=*/false));
}

Output Optimizer::NonSlot(const Scope& root, const std::string& name,
                          DataType dtype, double value) {
  return Updatable(ops::CreateVariable(
      root.WithResourceVariables(resource_).WithOpName(name),
      PartialShape::Scalar(), dtype, ops::ScalarConst(root, value, dtype),
      /*trainable=*/false));
}

Output Optimizer::Value(const Scope& s, const Output& var) {
  if (var.type() != DT_RESOURCE) return var;
  return ops::ReadVariableOp(s, var, ops::GetVariableInfo(var).dtype);
}

Output Optimizer::Update(
    const Scope& s, const std::string& op, const std::vector<Output>& vars,
    const std::vector<Input>& inputs,
    const std::vector<std::pair<std::string, AttrValue>>& attrs) {
  const bool resource = !vars.empty() && vars[0].type() == DT_RESOURCE;
  OpBuilder b(s, resource ? absl::StrCat("Resource", op) : op);
  for (const Output& v : vars) b.Input(v);
  for (const Input& in : inputs) b.Input(in);
  for (const auto& [name, value] : attrs) b.Attr(name, value);
  if (resource) {
    // The resource ops have no output: the update is the op itself.
    return Output(b.Finalize().node(), 0);
  }
  return b.Finalize();
}

namespace {

AttrValue Bool(bool b) {
  AttrValue v;
  v.set_b(b);
  return v;
}

}  // namespace

Output GradientDescentOptimizer::ApplyDense(const Scope&, const Scope& s,
                                            const Output& grad,
                                            const Output& var) {
  const DataType t = ops::GetVariableInfo(var).dtype;
  return Update(s, "ApplyGradientDescent", {var},
                {ops::ScalarConst(s, lr_, t), grad});
}

Output MomentumOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                     const Output& grad, const Output& var) {
  const DataType t = ops::GetVariableInfo(var).dtype;
  Output accum = Slot(root, var, 0);
  return Update(
      s, "ApplyMomentum", {var, accum},
      {ops::ScalarConst(s, lr_, t), grad, ops::ScalarConst(s, momentum_, t)},
      {{"use_nesterov", Bool(nesterov_)}});
}

Output RMSPropOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                    const Output& grad, const Output& var) {
  const DataType t = ops::GetVariableInfo(var).dtype;
  // TensorFlow 1 creates the slots in this order: rms (ones), mg, momentum.
  Output ms = Slot(root, var, 1);
  Output mg = centered_ ? Slot(root, var, 0) : Output();
  Output mom = Slot(root, var, 0);
  auto c = [&](double v) { return ops::ScalarConst(s, v, t); };
  const std::vector<Input> rest = {c(lr_), c(decay_), c(momentum_), c(epsilon_),
                                   grad};
  if (centered_) {
    return Update(s, "ApplyCenteredRMSProp", {var, mg, ms, mom}, rest);
  }
  return Update(s, "ApplyRMSProp", {var, ms, mom}, rest);
}

absl::Status AdamOptimizer::Prepare(const Scope& root, DataType dtype) {
  beta1_power_ = NonSlot(root, "beta1_power", dtype, beta1_);
  beta2_power_ = NonSlot(root, "beta2_power", dtype, beta2_);
  return root.status();
}

Output AdamOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                 const Output& grad, const Output& var) {
  const DataType t = ops::GetVariableInfo(var).dtype;
  Output m = Slot(root, var, 0);
  Output v = Slot(root, var, 0);
  auto c = [&](double x) { return ops::ScalarConst(s, x, t); };
  return Update(s, "ApplyAdam", {var, m, v},
                {Value(s, beta1_power_), Value(s, beta2_power_), c(lr_),
                 c(beta1_), c(beta2_), c(epsilon_), grad},
                {{"use_nesterov", Bool(nesterov_)}});
}

std::vector<Operation> AdamOptimizer::Finish(
    const Scope& s, const std::vector<Operation>& updates) {
  // The powers advance after every variable has used this step's values.
  const Scope after = s.WithControlDependencies(updates);
  std::vector<Operation> done;
  for (const auto& [power, beta] :
       {std::pair{beta1_power_, beta1_}, {beta2_power_, beta2_}}) {
    const DataType t = ops::GetVariableInfo(power).dtype;
    Output next =
        ops::Mul(after, Value(after, power), ops::ScalarConst(after, beta, t));
    done.push_back(power.type() == DT_RESOURCE
                       ? ops::AssignVariableOp(after, power, next)
                       : ops::Assign(after, power, next).op());
  }
  return done;
}

}  // namespace train
}  // namespace tg
