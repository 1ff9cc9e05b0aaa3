// Builders for seeded random ops.
#ifndef TG_OPS_RANDOM_OPS_H_
#define TG_OPS_RANDOM_OPS_H_

#include "graph/scope.h"

namespace tg {
namespace ops {

// Samples of N(0, 1) with the given shape. Each run draws new values; a
// nonzero (seed, seed2) pair makes the sequence reproducible. The values
// are tensorgraph's own stream (not TensorFlow's Philox stream).
Output RandomStandardNormal(const Scope& s, const Input& shape, DataType dtype,
                            int64_t seed = 0, int64_t seed2 = 0);
// Uniform samples in [0, 1); same seeding.
Output RandomUniform(const Scope& s, const Input& shape, DataType dtype,
                     int64_t seed = 0, int64_t seed2 = 0);
// N(0, 1) samples redrawn until within two standard deviations; same seeding.
Output TruncatedNormal(const Scope& s, const Input& shape, DataType dtype,
                       int64_t seed = 0, int64_t seed2 = 0);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_RANDOM_OPS_H_
