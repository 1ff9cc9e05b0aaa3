// Variable initializers: factories that, given a scope, a shape and a dtype,
// add the ops computing an initial value. Random ones are seeded: the same
// seed and graph give the same values. `seed2` picks the op's stream; the
// default (-1) uses the number of nodes in the graph, so initializers built
// one after the other get different streams, as TensorFlow's op seeds do.
//
//   auto w = ops::CreateVariable(s.WithOpName("kernel"), PartialShape::Of({784,
//   512}),
//                                DT_FLOAT, init::GlorotUniform(7)(s, {784,
//                                512}, DT_FLOAT));
#ifndef TG_OPS_INITIALIZERS_H_
#define TG_OPS_INITIALIZERS_H_

#include <functional>
#include <vector>

#include "graph/scope.h"

namespace tg {
namespace init {

using Initializer = std::function<Output(
    const Scope& s, const std::vector<int64_t>& shape, DataType dtype)>;

Initializer Zeros();
Initializer Ones();
Initializer Constant(double value);
// mean + stddev * N(0, 1).
Initializer RandomNormal(double mean, double stddev, int64_t seed,
                         int64_t seed2 = -1);
// mean + stddev * N(0, 1) truncated to two standard deviations.
Initializer TruncatedNormal(double mean, double stddev, int64_t seed,
                            int64_t seed2 = -1);
// U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
Initializer GlorotUniform(int64_t seed, int64_t seed2 = -1);
// Truncated normal with stddev sqrt(2 / fan_in) / 0.8796 (the stddev of a
// two-sigma truncated unit normal), as Keras' he_normal.
Initializer HeNormal(int64_t seed, int64_t seed2 = -1);

// Fan-in and fan-out of a weight shape: [in, out] for a matrix, and for a
// convolution kernel [h, w, in, out] both times h * w.
void ComputeFans(const std::vector<int64_t>& shape, double* fan_in,
                 double* fan_out);

}  // namespace init
}  // namespace tg

#endif  // TG_OPS_INITIALIZERS_H_
