// Numeric gradient checking, in the spirit of TensorFlow's
// ComputeGradientError: compares the symbolic gradient of
// L = sum(f(x) * r), for a fixed random r, with central differences of L.
#ifndef TG_TESTS_TESTING_GRADIENT_CHECKER_H_
#define TG_TESTS_TESTING_GRADIENT_CHECKER_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "graph/scope.h"

namespace tg {
namespace testing {

// Builds f from placeholders: given Outputs for the inputs, returns y.
using GraphFn = std::function<Output(const Scope&, const std::vector<Output>&)>;

// Maximum over all input elements of |symbolic - numeric| divided by
// max(|symbolic|, |numeric|, 1e-3) (so near-zero gradients are compared
// absolutely at the 1e-3 scale). Inputs must be DT_DOUBLE tensors.
absl::StatusOr<double> MaxGradientError(const GraphFn& f,
                                        const std::vector<Tensor>& inputs,
                                        double step = 1e-6, uint64_t seed = 7);

// A double tensor of `shape` with values uniform in [lo, hi]; with
// `random_sign` each value's sign is flipped at random (values then avoid
// the interval (-lo, lo), e.g. the kink of Relu at 0).
Tensor RandomTensor(const TensorShape& shape, double lo, double hi,
                    uint64_t seed, bool random_sign = false);

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_GRADIENT_CHECKER_H_
