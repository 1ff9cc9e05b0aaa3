// Optimizer update ops: schemas, shape functions and builders. None is
// differentiable.
#include "ops/training_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/op_types.h"

namespace tg {
namespace {

// Inputs [0, num_like_var) and `grad` have the variable's shape; the others
// are scalars. The output is the variable.
ShapeFn ApplyShape(int num_like_var, int grad) {
  return [num_like_var, grad](InferenceContext& c) -> absl::Status {
    const PartialShape& var = c.input(0);
    for (int i = 0; i < c.num_inputs(); ++i) {
      const PartialShape& s = c.input(i);
      if (i < num_like_var || i == grad) {
        if (var.IsFullyDefined() && s.IsFullyDefined() && !(var == s)) {
          return absl::InvalidArgumentError(
              absl::StrCat("input ", i, " has shape ", s.DebugString(),
                           " but the variable has shape ", var.DebugString()));
        }
      } else if (s.known_rank && s.rank() != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input ", i, " must be a scalar, got shape ", s.DebugString()));
      }
    }
    c.set_output(0, var);
    return absl::OkStatus();
  };
}

TG_REGISTER_OP("ApplyGradientDescent")
    .Input("var: Ref(T)")
    .Input("alpha: T")
    .Input("delta: T")
    .Output("out: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetShapeFn(ApplyShape(1, 2));

TG_REGISTER_OP("ApplyMomentum")
    .Input("var: Ref(T)")
    .Input("accum: Ref(T)")
    .Input("lr: T")
    .Input("grad: T")
    .Input("momentum: T")
    .Output("out: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .Attr("use_nesterov: bool = false")
    .SetShapeFn(ApplyShape(2, 3));

TG_REGISTER_OP("ApplyRMSProp")
    .Input("var: Ref(T)")
    .Input("ms: Ref(T)")
    .Input("mom: Ref(T)")
    .Input("lr: T")
    .Input("rho: T")
    .Input("momentum: T")
    .Input("epsilon: T")
    .Input("grad: T")
    .Output("out: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetShapeFn(ApplyShape(3, 7));

TG_REGISTER_OP("ApplyCenteredRMSProp")
    .Input("var: Ref(T)")
    .Input("mg: Ref(T)")
    .Input("ms: Ref(T)")
    .Input("mom: Ref(T)")
    .Input("lr: T")
    .Input("rho: T")
    .Input("momentum: T")
    .Input("epsilon: T")
    .Input("grad: T")
    .Output("out: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .SetShapeFn(ApplyShape(4, 8));

TG_REGISTER_OP("ApplyAdam")
    .Input("var: Ref(T)")
    .Input("m: Ref(T)")
    .Input("v: Ref(T)")
    .Input("beta1_power: T")
    .Input("beta2_power: T")
    .Input("lr: T")
    .Input("beta1: T")
    .Input("beta2: T")
    .Input("epsilon: T")
    .Input("grad: T")
    .Output("out: Ref(T)")
    .Attr("T: " TG_NUMBER_TYPES)
    .Attr("use_locking: bool = false")
    .Attr("use_nesterov: bool = false")
    .SetShapeFn(ApplyShape(3, 9));

TG_REGISTER_NO_GRADIENT_OP("ApplyGradientDescent");
TG_REGISTER_NO_GRADIENT_OP("ApplyMomentum");
TG_REGISTER_NO_GRADIENT_OP("ApplyRMSProp");
TG_REGISTER_NO_GRADIENT_OP("ApplyCenteredRMSProp");
TG_REGISTER_NO_GRADIENT_OP("ApplyAdam");

Output Apply(const Scope& s, const char* op,
             std::initializer_list<const Input*> inputs,
             const char* bool_attr = nullptr, bool value = false) {
  OpBuilder b(s, op);
  for (const Input* in : inputs) b.Input(*in);
  if (bool_attr != nullptr) b.Attr(bool_attr, value);
  return b.Finalize().output(0);
}

}  // namespace

namespace ops {

Output ApplyGradientDescent(const Scope& s, const Input& var,
                            const Input& alpha, const Input& delta) {
  return Apply(s, "ApplyGradientDescent", {&var, &alpha, &delta});
}

Output ApplyMomentum(const Scope& s, const Input& var, const Input& accum,
                     const Input& lr, const Input& grad, const Input& momentum,
                     bool use_nesterov) {
  return Apply(s, "ApplyMomentum", {&var, &accum, &lr, &grad, &momentum},
               "use_nesterov", use_nesterov);
}

Output ApplyRMSProp(const Scope& s, const Input& var, const Input& ms,
                    const Input& mom, const Input& lr, const Input& rho,
                    const Input& momentum, const Input& epsilon,
                    const Input& grad) {
  return Apply(s, "ApplyRMSProp",
               {&var, &ms, &mom, &lr, &rho, &momentum, &epsilon, &grad});
}

Output ApplyCenteredRMSProp(const Scope& s, const Input& var, const Input& mg,
                            const Input& ms, const Input& mom, const Input& lr,
                            const Input& rho, const Input& momentum,
                            const Input& epsilon, const Input& grad) {
  return Apply(s, "ApplyCenteredRMSProp",
               {&var, &mg, &ms, &mom, &lr, &rho, &momentum, &epsilon, &grad});
}

Output ApplyAdam(const Scope& s, const Input& var, const Input& m,
                 const Input& v, const Input& beta1_power,
                 const Input& beta2_power, const Input& lr, const Input& beta1,
                 const Input& beta2, const Input& epsilon, const Input& grad,
                 bool use_nesterov) {
  return Apply(s, "ApplyAdam",
               {&var, &m, &v, &beta1_power, &beta2_power, &lr, &beta1, &beta2,
                &epsilon, &grad},
               "use_nesterov", use_nesterov);
}

}  // namespace ops
}  // namespace tg
