// Optimizers for the C++ API, with TensorFlow 1's names, slots and update
// ops: GradientDescent, Momentum (optionally Nesterov), RMSProp (optionally
// with momentum and centered) and Adam.
//
//   train::AdamOptimizer adam(0.001);
//   TG_ASSIGN_OR_RETURN(Operation train, adam.Minimize(root, loss));
//   Operation init = ops::GlobalVariablesInitializer(root);  // after Minimize
//
// Minimize adds the gradient ops, creates each variable's slot variables
// ("W/Adam", "W/Adam_1", ...) and any shared ones ("beta1_power",
// "beta2_power"), registers their initializers, and returns a NoOp named
// after the optimizer that runs every update (and increments `global_step`
// when given). Build the initializer after Minimize so the slots are in it.
#ifndef TG_OPS_OPTIMIZERS_H_
#define TG_OPS_OPTIMIZERS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"

namespace tg {
namespace train {

class Optimizer {
 public:
  explicit Optimizer(std::string name) : name_(std::move(name)) {}
  virtual ~Optimizer() = default;

  // var_list defaults to the trainable variables the loss depends on (or,
  // when none were registered as trainable, every variable it depends on).
  // global_step, when valid, is an integer variable incremented by one.
  absl::StatusOr<Operation> Minimize(const Scope& scope, const Output& loss,
                                     std::vector<Output> var_list = {},
                                     const Output& global_step = Output());
  // (gradient, variable) pairs, as from AddSymbolicGradients. Virtual so a
  // wrapper (DistributedOptimizer) can transform the gradients first.
  virtual absl::StatusOr<Operation> ApplyGradients(
      const Scope& scope,
      const std::vector<std::pair<Output, Output>>& grads_and_vars,
      const Output& global_step = Output());

  const std::string& name() const { return name_; }

 protected:
  // A variable shaped like `var`, named "<var>/<name>" (made unique),
  // initialized to `value` and registered (not trainable); of var's kind
  // (a resource variable's slot is one too). Returns what updates take: the
  // variable, or a resource variable's handle.
  Output Slot(const Scope& root, const Output& var, double value);
  // A scalar non-slot variable named `name`, initialized to `value`, of
  // the variables' kind; returned as Slot returns.
  Output NonSlot(const Scope& root, const std::string& name, DataType dtype,
                 double value);
  // The value of a variable Slot or NonSlot returned, for an input.
  static Output Value(const Scope& s, const Output& var);
  // The update `op` (a reference-variable op: "ApplyAdam") of `vars`, the
  // variable then its slots, with `inputs` after them; for resource
  // variables "Resource<op>" on their handles.
  static Output Update(
      const Scope& s, const std::string& op, const std::vector<Output>& vars,
      const std::vector<Input>& inputs,
      const std::vector<std::pair<std::string, AttrValue>>& attrs = {});

  // Called once before the updates, with the variables' dtype.
  virtual absl::Status Prepare(const Scope& root, DataType dtype) {
    return absl::OkStatus();
  }
  // The update of one variable (a VariableV2 output or a resource handle);
  // `s` is "<name>/update_<var>".
  virtual Output ApplyDense(const Scope& root, const Scope& s,
                            const Output& grad, const Output& var) = 0;
  // Ops that must run after all updates (e.g. Adam's beta powers).
  virtual std::vector<Operation> Finish(const Scope& s,
                                        const std::vector<Operation>& updates) {
    return {};
  }

 private:
  std::string name_;
  bool resource_ = false;  // The variables being updated are resource ones.
};

class GradientDescentOptimizer : public Optimizer {
 public:
  explicit GradientDescentOptimizer(double learning_rate)
      : Optimizer("GradientDescent"), lr_(learning_rate) {}

 protected:
  Output ApplyDense(const Scope& root, const Scope& s, const Output& grad,
                    const Output& var) override;

 private:
  double lr_;
};

class MomentumOptimizer : public Optimizer {
 public:
  MomentumOptimizer(double learning_rate, double momentum,
                    bool use_nesterov = false)
      : Optimizer("Momentum"),
        lr_(learning_rate),
        momentum_(momentum),
        nesterov_(use_nesterov) {}

 protected:
  Output ApplyDense(const Scope& root, const Scope& s, const Output& grad,
                    const Output& var) override;

 private:
  double lr_, momentum_;
  bool nesterov_;
};

// TensorFlow 1's RMSProp: the mean square starts at one (not zero) and
// epsilon sits inside the square root.
class RMSPropOptimizer : public Optimizer {
 public:
  RMSPropOptimizer(double learning_rate, double decay = 0.9,
                   double momentum = 0.0, double epsilon = 1e-10,
                   bool centered = false)
      : Optimizer("RMSProp"),
        lr_(learning_rate),
        decay_(decay),
        momentum_(momentum),
        epsilon_(epsilon),
        centered_(centered) {}

 protected:
  Output ApplyDense(const Scope& root, const Scope& s, const Output& grad,
                    const Output& var) override;

 private:
  double lr_, decay_, momentum_, epsilon_;
  bool centered_;
};

// Adam with TensorFlow's bias correction folded into the step size
// (epsilon is added to sqrt(v) before that correction).
class AdamOptimizer : public Optimizer {
 public:
  explicit AdamOptimizer(double learning_rate = 0.001, double beta1 = 0.9,
                         double beta2 = 0.999, double epsilon = 1e-8,
                         bool use_nesterov = false)
      : Optimizer("Adam"),
        lr_(learning_rate),
        beta1_(beta1),
        beta2_(beta2),
        epsilon_(epsilon),
        nesterov_(use_nesterov) {}

 protected:
  absl::Status Prepare(const Scope& root, DataType dtype) override;
  Output ApplyDense(const Scope& root, const Scope& s, const Output& grad,
                    const Output& var) override;
  std::vector<Operation> Finish(const Scope& s,
                                const std::vector<Operation>& updates) override;

 private:
  double lr_, beta1_, beta2_, epsilon_;
  bool nesterov_;
  Output beta1_power_, beta2_power_;
};

}  // namespace train
}  // namespace tg

#endif  // TG_OPS_OPTIMIZERS_H_
