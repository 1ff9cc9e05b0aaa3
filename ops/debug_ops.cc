// CheckNumerics: TensorFlow's guard against NaN and Inf in a graph.
#include "ops/debug_ops.h"

#include "absl/strings/str_cat.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"

namespace tg {
namespace {

TG_REGISTER_OP("CheckNumerics")
    .Input("tensor: T")
    .Output("output: T")
    .Attr("T: {float, double}")
    .Attr("message: string")
    .SetIsStateful()
    .SetShapeFn(UnchangedShape);

// The identity's gradient, itself checked: a NaN or Inf flowing back through
// the op fails the step too, with TensorFlow's message.
absl::Status CheckNumericsGrad(const Scope& s, const Operation& op,
                               const std::vector<Output>& dy,
                               std::vector<Output>* dx) {
  TG_ASSIGN_OR_RETURN(std::string message,
                      GetAttr<std::string>(op.node()->attrs(), "message"));
  dx->push_back(ops::CheckNumerics(
      s, dy[0],
      absl::StrCat("Not a number (NaN) or infinity (Inf) values detected in "
                   "gradient. ",
                   message)));
  return absl::OkStatus();
}
TG_REGISTER_GRADIENT_OP("CheckNumerics", CheckNumericsGrad);

}  // namespace

namespace ops {

Output CheckNumerics(const Scope& s, const Input& tensor,
                     absl::string_view message) {
  return OpBuilder(s, "CheckNumerics")
      .Input(tensor)
      .Attr("message", std::string(message))
      .Finalize();
}

}  // namespace ops
}  // namespace tg
