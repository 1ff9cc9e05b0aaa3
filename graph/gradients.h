// Reverse-mode automatic differentiation: the gradient is more graph.
//
// Each differentiable op registers a gradient function that, given the
// gradients flowing into the op's outputs, adds ops computing the gradients
// of its inputs:
//
//   // d/dx sigmoid(x) = y * (1 - y)
//   absl::Status SigmoidGrad(const Scope& s, const Operation& op,
//                            const std::vector<Output>& dy,
//                            std::vector<Output>* dx) { ... }
//   TG_REGISTER_GRADIENT_OP("Sigmoid", SigmoidGrad);
//   TG_REGISTER_NO_GRADIENT_OP("ArgMax");   // Explicitly not differentiable.
#ifndef TG_GRAPH_GRADIENTS_H_
#define TG_GRAPH_GRADIENTS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"

namespace tg {

// grad_inputs[i] is the gradient arriving at output i of `op` (never null:
// missing ones are zeros). The function pushes one Output per op input, the
// null Output (NoGradient()) where no gradient flows.
using GradFunc = absl::Status (*)(const Scope& scope, const Operation& op,
                                  const std::vector<Output>& grad_inputs,
                                  std::vector<Output>* grad_outputs);

// The "no gradient flows here" marker.
inline Output NoGradient() { return Output(); }

class GradOpRegistry {
 public:
  static GradOpRegistry* Global();
  // A null `fn` marks the op as not differentiable.
  bool Register(const std::string& op, GradFunc fn);
  // NotFound when the op has neither a gradient nor a no-gradient mark;
  // null for an op marked not differentiable.
  absl::StatusOr<GradFunc> Lookup(absl::string_view op) const;
  bool IsRegistered(absl::string_view op) const;

 private:
  std::map<std::string, GradFunc, std::less<>> fns_;
};

#define TG_REGISTER_GRADIENT_OP(name, fn)                         \
  static const bool TG_CONCAT(tg_grad_registered_, __COUNTER__) = \
      ::tg::GradOpRegistry::Global()->Register(name, fn)
#define TG_REGISTER_NO_GRADIENT_OP(name) TG_REGISTER_GRADIENT_OP(name, nullptr)

// Adds ops computing d(sum_i grad_inputs[i] * outputs[i]) / d inputs[j] for
// each j, returned in *grad_outputs (same order as `inputs`). Walks the nodes
// between `inputs` and `outputs` in reverse topological order, calls each
// op's gradient function, and sums the gradients of an output used several
// times with AddN. An input that `outputs` do not depend on gets zeros.
// Fails naming the op and node when a node on the path has no gradient.
// New ops go under "gradients/".
absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& outputs,
                                  const std::vector<Output>& inputs,
                                  const std::vector<Output>& grad_inputs,
                                  std::vector<Output>* grad_outputs);

// As above, seeding each output with OnesLike(output).
absl::Status AddSymbolicGradients(const Scope& scope,
                                  const std::vector<Output>& outputs,
                                  const std::vector<Output>& inputs,
                                  std::vector<Output>* grad_outputs);

}  // namespace tg

#endif  // TG_GRAPH_GRADIENTS_H_
