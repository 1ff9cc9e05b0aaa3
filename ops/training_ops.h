// Builders for TensorFlow's in-place optimizer updates (TensorFlow's op
// signatures). Each takes reference inputs (the variable and its slots),
// updates them in place and returns the variable's updated reference. Scalars
// (lr, rho, ...) must have the variable's dtype.
#ifndef TG_OPS_TRAINING_OPS_H_
#define TG_OPS_TRAINING_OPS_H_

#include "graph/scope.h"

namespace tg {
namespace ops {

// var -= alpha * delta.
Output ApplyGradientDescent(const Scope& s, const Input& var,
                            const Input& alpha, const Input& delta);
// accum = momentum * accum + grad; var -= lr * accum
// (Nesterov: var -= lr * grad + lr * momentum * accum).
Output ApplyMomentum(const Scope& s, const Input& var, const Input& accum,
                     const Input& lr, const Input& grad, const Input& momentum,
                     bool use_nesterov = false);
// ms = rho ms + (1 - rho) grad^2;
// mom = momentum mom + lr grad / sqrt(ms + epsilon); var -= mom.
Output ApplyRMSProp(const Scope& s, const Input& var, const Input& ms,
                    const Input& mom, const Input& lr, const Input& rho,
                    const Input& momentum, const Input& epsilon,
                    const Input& grad);
// As ApplyRMSProp with mg = rho mg + (1 - rho) grad and the denominator
// sqrt(ms - mg^2 + epsilon).
Output ApplyCenteredRMSProp(const Scope& s, const Input& var, const Input& mg,
                            const Input& ms, const Input& mom, const Input& lr,
                            const Input& rho, const Input& momentum,
                            const Input& epsilon, const Input& grad);
// lr_t = lr sqrt(1 - beta2_power) / (1 - beta1_power);
// m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
// var -= lr_t m / (sqrt(v) + epsilon)
// (Nesterov: m replaced by beta1 m + (1 - beta1) g in the update).
Output ApplyAdam(const Scope& s, const Input& var, const Input& m,
                 const Input& v, const Input& beta1_power,
                 const Input& beta2_power, const Input& lr, const Input& beta1,
                 const Input& beta2, const Input& epsilon, const Input& grad,
                 bool use_nesterov = false);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_TRAINING_OPS_H_
