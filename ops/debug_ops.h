// Debugging ops: CheckNumerics.
#ifndef TG_OPS_DEBUG_OPS_H_
#define TG_OPS_DEBUG_OPS_H_

#include "absl/strings/string_view.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

// The input unchanged, or InvalidArgument "<message> : Tensor had NaN
// values" (Inf values, Inf and NaN values) when it holds any. Its gradient
// checks the gradient flowing back the same way.
Output CheckNumerics(const Scope& s, const Input& tensor,
                     absl::string_view message);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_DEBUG_OPS_H_
