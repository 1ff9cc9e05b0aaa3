#include "ops/initializers.h"

#include <cmath>

#include "ops/array_ops.h"
#include "ops/math_ops.h"
#include "ops/random_ops.h"

namespace tg {
namespace init {
namespace {

Tensor ShapeTensor(const std::vector<int64_t>& shape) {
  std::vector<int32_t> dims(shape.begin(), shape.end());
  return Tensor::FromVector(dims);
}

int64_t Seed2(const Scope& s, int64_t seed2) {
  return seed2 >= 0 ? seed2 : s.graph()->num_nodes();
}

// scale * sample + shift, in the requested dtype.
Output Affine(const Scope& s, const Output& sample, double scale, double shift,
              DataType dtype) {
  return ops::AddV2(s, ops::Mul(s, sample, ops::ScalarConst(s, scale, dtype)),
                    ops::ScalarConst(s, shift, dtype));
}

}  // namespace

void ComputeFans(const std::vector<int64_t>& shape, double* fan_in,
                 double* fan_out) {
  if (shape.empty()) {
    *fan_in = *fan_out = 1;
  } else if (shape.size() == 1) {
    *fan_in = *fan_out = static_cast<double>(shape[0]);
  } else {
    double receptive = 1;
    for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= shape[i];
    *fan_in = shape[shape.size() - 2] * receptive;
    *fan_out = shape[shape.size() - 1] * receptive;
  }
}

Initializer Constant(double value) {
  return [value](const Scope& s, const std::vector<int64_t>& shape,
                 DataType dtype) {
    return ops::Fill(s, ShapeTensor(shape), ops::ScalarConst(s, value, dtype));
  };
}
Initializer Zeros() { return Constant(0); }
Initializer Ones() { return Constant(1); }

Initializer RandomNormal(double mean, double stddev, int64_t seed,
                         int64_t seed2) {
  return
      [=](const Scope& s, const std::vector<int64_t>& shape, DataType dtype) {
        Output z = ops::RandomStandardNormal(s, ShapeTensor(shape), dtype, seed,
                                             Seed2(s, seed2));
        // Plain scaling when the mean is zero keeps the values (and the
        // reference MLP's results) free of a rounding step.
        return mean == 0 ? ops::Mul(s, z, ops::ScalarConst(s, stddev, dtype))
                         : Affine(s, z, stddev, mean, dtype);
      };
}

Initializer TruncatedNormal(double mean, double stddev, int64_t seed,
                            int64_t seed2) {
  return
      [=](const Scope& s, const std::vector<int64_t>& shape, DataType dtype) {
        return Affine(s,
                      ops::TruncatedNormal(s, ShapeTensor(shape), dtype, seed,
                                           Seed2(s, seed2)),
                      stddev, mean, dtype);
      };
}

Initializer GlorotUniform(int64_t seed, int64_t seed2) {
  return [=](const Scope& s, const std::vector<int64_t>& shape,
             DataType dtype) {
    double fan_in, fan_out;
    ComputeFans(shape, &fan_in, &fan_out);
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    return Affine(
        s,
        ops::RandomUniform(s, ShapeTensor(shape), dtype, seed, Seed2(s, seed2)),
        2 * limit, -limit, dtype);
  };
}

Initializer HeNormal(int64_t seed, int64_t seed2) {
  return
      [=](const Scope& s, const std::vector<int64_t>& shape, DataType dtype) {
        double fan_in, fan_out;
        ComputeFans(shape, &fan_in, &fan_out);
        constexpr double kTruncatedStddev = 0.87962566103423978;
        return TruncatedNormal(0, std::sqrt(2.0 / fan_in) / kTruncatedStddev,
                               seed, seed2)(s, shape, dtype);
      };
}

}  // namespace init
}  // namespace tg
