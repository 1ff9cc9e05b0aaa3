// Inputs for the benchmarks: floats uniform in [-1, 1), the same for every
// run (seed 1), so two binaries time the same data.
#ifndef TG_BENCHMARKS_RANDOM_TENSOR_H_
#define TG_BENCHMARKS_RANDOM_TENSOR_H_

#include <random>

#include "core/tensor.h"

namespace tg {

inline Tensor RandomFloats(const TensorShape& shape) {
  Tensor t(DT_FLOAT, shape);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : t.flat<float>()) v = u(rng);
  return t;
}

}  // namespace tg

#endif  // TG_BENCHMARKS_RANDOM_TENSOR_H_
