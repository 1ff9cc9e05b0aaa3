// Seeded random CPU kernels.
#include <cmath>
#include <random>

#include "core/op_kernel.h"

namespace tg {
namespace {

// N(0, 1) by the Box-Muller transform over a 64-bit Mersenne Twister, so the
// stream depends only on the seeds, not on the C++ library.
template <typename T>
class RandomStandardNormalCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(int64_t seed, c.GetAttr<int64_t>("seed"));
    TG_ASSIGN_OR_RETURN(int64_t seed2, c.GetAttr<int64_t>("seed2"));
    if (seed == 0 && seed2 == 0) {
      std::random_device rd;
      gen_.seed((static_cast<uint64_t>(rd()) << 32) | rd());
    } else {
      gen_.seed(static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull ^
                static_cast<uint64_t>(seed2));
    }
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> dims,
                        TensorToInt64s(ctx.input(0)));
    TG_ASSIGN_OR_RETURN(TensorShape shape, TensorShape::FromDims(dims));
    T* out = ctx.allocate_output(0, DataTypeToEnum<T>::value, shape)
                 ->template data<T>();
    const int64_t n = shape.num_elements();
    constexpr double kTwoPi = 6.283185307179586;
    for (int64_t i = 0; i < n; i += 2) {
      // u1 in (0, 1] keeps the log finite.
      const double u1 = (static_cast<double>(gen_() >> 11) + 1.0) * 0x1.0p-53;
      const double u2 = static_cast<double>(gen_() >> 11) * 0x1.0p-53;
      const double r = std::sqrt(-2.0 * std::log(u1));
      out[i] = static_cast<T>(r * std::cos(kTwoPi * u2));
      if (i + 1 < n) out[i + 1] = static_cast<T>(r * std::sin(kTwoPi * u2));
    }
    return absl::OkStatus();
  }

 private:
  std::mt19937_64 gen_;
};

TG_REGISTER_KERNEL(
    CpuKernel("RandomStandardNormal").TypeConstraint<float>("dtype"),
    RandomStandardNormalCpu<float>);
TG_REGISTER_KERNEL(
    CpuKernel("RandomStandardNormal").TypeConstraint<double>("dtype"),
    RandomStandardNormalCpu<double>);

}  // namespace
}  // namespace tg
