#include "graph/gradients.h"

#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"

namespace tg {

GradOpRegistry* GradOpRegistry::Global() {
  static GradOpRegistry* const registry = new GradOpRegistry();
  return registry;
}

bool GradOpRegistry::Register(const std::string& op, GradFunc fn) {
  TG_CHECK(fns_.emplace(op, fn).second);
  return true;
}

absl::StatusOr<GradFunc> GradOpRegistry::Lookup(absl::string_view op) const {
  auto it = fns_.find(op);
  if (it == fns_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no gradient defined for op '", op, "'"));
  }
  return it->second;
}

bool GradOpRegistry::IsRegistered(absl::string_view op) const {
  return fns_.find(op) != fns_.end();
}

namespace {

// Marks nodes reachable from `starts` following data edges backwards
// (forward = false) or forwards.
std::vector<bool> Reachable(const Graph& g, const std::vector<Output>& starts,
                            bool forward) {
  std::vector<bool> seen(g.num_nodes(), false);
  std::vector<Node*> stack;
  for (const Output& o : starts) stack.push_back(o.node());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (seen[n->id()]) continue;
    seen[n->id()] = true;
    for (const Edge* e : forward ? n->out_edges() : n->in_edges()) {
      if (!e->IsControl()) stack.push_back(forward ? e->dst : e->src);
    }
  }
  return seen;
}

Output SumGradients(const Scope& scope, const std::vector<Output>& grads) {
  if (grads.empty()) return NoGradient();
  if (grads.size() == 1) return grads[0];
  return OpBuilder(scope, "AddN").InputList(grads).Finalize().output(0);
}

// Runs the gradient function of `n` given the gradients of its outputs
// (missing ones become zeros). Empty result: the op is not differentiable.
absl::StatusOr<std::vector<Output>> CallGradFunc(const Scope& s, Node* n,
                                                 std::vector<Output> dy) {
  absl::StatusOr<GradFunc> fn = GradOpRegistry::Global()->Lookup(n->op());
  if (!fn.ok()) {
    return AnnotateStatus(
        absl::NotFoundError(absl::StrCat(
            "no gradient defined for op '", n->op(),
            "', which lies between the inputs and outputs of the gradient")),
        n->ErrorPrefix());
  }
  std::vector<Output> dx;
  if (*fn == nullptr) return dx;
  for (int k = 0; k < n->num_outputs(); ++k) {
    if (!dy[k].valid()) {
      dy[k] = OpBuilder(s, "ZerosLike").Input(Output(n, k)).Finalize();
    }
  }
  TG_RETURN_IF_ERROR(
      AnnotateStatus((*fn)(s, Operation(n), dy, &dx), n->ErrorPrefix()));
  if (!s.ok()) return s.status();
  if (static_cast<int>(dx.size()) != n->num_inputs()) {
    return absl::InternalError(
        absl::StrCat(n->ErrorPrefix(), "gradient function returned ", dx.size(),
                     " gradients for ", n->num_inputs(), " inputs"));
  }
  return dx;
}

// Gradient functions compute the gradients of all their inputs, including
// those nothing asked for (the input gradient of a first layer, say). Nodes
// added since `first_new` that no returned gradient depends on are removed.
absl::Status RemoveDeadGradientNodes(Graph* g, int first_new,
                                     const std::vector<Output>& results) {
  std::vector<bool> live(g->num_nodes(), false);
  std::vector<Node*> stack;
  for (const Output& o : results) stack.push_back(o.node());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (n->id() < first_new || live[n->id()]) continue;
    live[n->id()] = true;
    for (const Edge* e : n->in_edges()) stack.push_back(e->src);
  }
  std::vector<bool> dead(g->num_nodes(), false);
  bool any = false;
  for (int id = first_new; id < g->num_nodes(); ++id) {
    dead[id] = !live[id];
    any |= dead[id];
  }
  return any ? g->RemoveNodes(dead) : absl::OkStatus();
}

// The work of AddSymbolicGradients, with new ops under `grad_scope`.
absl::Status BuildGradients(const Scope& scope, const Scope& grad_scope,
                            const std::vector<Output>& outputs,
                            const std::vector<Output>& inputs,
                            const std::vector<Output>& grad_inputs,
                            std::vector<Output>* grad_outputs) {
  if (!scope.ok()) return scope.status();
  if (outputs.size() != grad_inputs.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("AddSymbolicGradients: ", outputs.size(), " outputs but ",
                     grad_inputs.size(), " output gradients"));
  }
  for (const auto* list : {&outputs, &inputs, &grad_inputs}) {
    for (const Output& o : *list) {
      if (!o.valid()) {
        return absl::InvalidArgumentError(
            "AddSymbolicGradients: a null Output was passed");
      }
    }
  }
  const Graph& g = *scope.graph();
  const std::vector<bool> to_y = Reachable(g, outputs, /*forward=*/false);
  const std::vector<bool> from_x = Reachable(g, inputs, /*forward=*/true);
  const int num_nodes = g.num_nodes();  // Nodes added below are not walked.
  auto on_path = [&](const Node* n) {
    return n->id() < num_nodes && to_y[n->id()] && from_x[n->id()];
  };

  // pending[n] = gradient contributions n still waits for.
  std::vector<int> pending(num_nodes, 0);
  for (int id = 0; id < num_nodes; ++id) {
    if (!on_path(g.node(id))) continue;
    for (const Edge* e : g.node(id)->out_edges()) {
      if (!e->IsControl() && on_path(e->dst)) ++pending[id];
    }
  }
  absl::flat_hash_map<Output, std::vector<Output>> grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    grads[outputs[i]].push_back(grad_inputs[i]);
  }
  absl::flat_hash_map<Output, Output> results;
  for (const Output& x : inputs) results[x] = NoGradient();

  std::deque<Node*> ready;
  for (int id = 0; id < num_nodes; ++id) {
    if (on_path(g.node(id)) && pending[id] == 0) ready.push_back(g.node(id));
  }
  while (!ready.empty()) {
    Node* n = ready.front();
    ready.pop_front();
    const Scope s = grad_scope.NewSubScope(absl::StrCat(n->name(), "_grad"));
    std::vector<Output> dy(n->num_outputs());
    bool any = false;
    for (int k = 0; k < n->num_outputs(); ++k) {
      auto it = grads.find(Output(n, k));
      if (it != grads.end()) dy[k] = SumGradients(s, it->second);
      any |= dy[k].valid();
      auto res = results.find(Output(n, k));
      if (res != results.end()) res->second = dy[k];
    }
    bool has_path_input = false;
    for (int i = 0; i < n->num_inputs(); ++i) {
      has_path_input |= on_path(n->input_edge(i)->src);
    }
    std::vector<Output> dx;
    if (any && has_path_input) {
      TG_ASSIGN_OR_RETURN(dx, CallGradFunc(s, n, dy));
    }
    for (int i = 0; i < n->num_inputs(); ++i) {
      const Edge* e = n->input_edge(i);
      if (!on_path(e->src)) continue;
      if (!dx.empty() && dx[i].valid()) {
        grads[Output(e->src, e->src_output)].push_back(dx[i]);
      }
      if (--pending[e->src->id()] == 0) ready.push_back(e->src);
    }
  }
  if (!scope.ok()) return scope.status();
  grad_outputs->clear();
  for (const Output& x : inputs) {
    Output gx = results[x];
    if (!gx.valid()) {
      gx = OpBuilder(grad_scope, "ZerosLike").Input(x).Finalize();
    }
    grad_outputs->push_back(gx);
  }
  if (!scope.ok()) return scope.status();
  return RemoveDeadGradientNodes(scope.graph(), num_nodes, *grad_outputs);
}

}  // namespace

absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& outputs,
                                  const std::vector<Output>& inputs,
                                  const std::vector<Output>& grad_inputs,
                                  std::vector<Output>* grad_outputs) {
  return BuildGradients(scope, scope.NewSubScope("gradients"), outputs, inputs,
                        grad_inputs, grad_outputs);
}

absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& outputs,
                                  const std::vector<Output>& inputs,
                                  std::vector<Output>* grad_outputs) {
  std::vector<Output> seeds;
  const Scope s = scope.NewSubScope("gradients");
  for (const Output& y : outputs) {
    if (!y.valid()) {
      return absl::InvalidArgumentError(
          "AddSymbolicGradients: a null Output was passed");
    }
    seeds.push_back(OpBuilder(s, "OnesLike").Input(y).Finalize());
  }
  return BuildGradients(scope, s, outputs, inputs, seeds, grad_outputs);
}

}  // namespace tg
