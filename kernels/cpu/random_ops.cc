// Seeded random CPU kernels: RandomStandardNormal, RandomUniform,
// TruncatedNormal. Each node keeps its generator across runs, so every run
// draws new values, and a nonzero (seed, seed2) makes the sequence
// reproducible. The stream depends only on the seeds (a 64-bit Mersenne
// Twister with our own transforms), not on the C++ library.
#include <cmath>
#include <random>

#include "core/kernel_checks.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

// A double in [0, 1) from the top 53 bits.
inline double Uniform(std::mt19937_64& gen) {
  return static_cast<double>(gen() >> 11) * 0x1.0p-53;
}

// Box-Muller: two N(0, 1) samples per call.
inline void Normals(std::mt19937_64& gen, double* a, double* b) {
  constexpr double kTwoPi = 6.283185307179586;
  // u1 in (0, 1] keeps the log finite.
  const double u1 = (static_cast<double>(gen() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = Uniform(gen);
  const double r = std::sqrt(-2.0 * std::log(u1));
  *a = r * std::cos(kTwoPi * u2);
  *b = r * std::sin(kTwoPi * u2);
}

struct StandardNormal {
  template <typename T>
  static void Fill(std::mt19937_64& gen, T* out, int64_t n) {
    for (int64_t i = 0; i < n; i += 2) {
      double a, b;
      Normals(gen, &a, &b);
      out[i] = static_cast<T>(a);
      if (i + 1 < n) out[i + 1] = static_cast<T>(b);
    }
  }
};

struct UniformUnit {
  template <typename T>
  static void Fill(std::mt19937_64& gen, T* out, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      T v = static_cast<T>(Uniform(gen));
      out[i] = v < T(1) ? v : T(0);  // Rounding to float may reach 1.
    }
  }
};

// Normal samples outside [-2, 2] are redrawn (TensorFlow's truncation).
struct Truncated {
  template <typename T>
  static void Fill(std::mt19937_64& gen, T* out, int64_t n) {
    int64_t i = 0;
    while (i < n) {
      double s[2];
      Normals(gen, &s[0], &s[1]);
      for (double v : s) {
        if (i < n && std::abs(v) <= 2.0) out[i++] = static_cast<T>(v);
      }
    }
  }
};

template <typename T, typename Dist>
class RandomCpu : public OpKernel {
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
    TG_ASSIGN_OR_RETURN(TensorShape shape,
                        ShapeFromTensor(ctx.input(0), "shape"));
    TG_ASSIGN_OR_RETURN(
        Tensor * out, ctx.allocate_output(0, DataTypeToEnum<T>::value, shape));
    Dist::Fill(gen_, out->template data<T>(), shape.num_elements());
    return absl::OkStatus();
  }

 private:
  std::mt19937_64 gen_;
};

#define TG_CPU_RANDOM(T)                                                      \
  TG_REGISTER_KERNEL(                                                         \
      CpuKernel("RandomStandardNormal").TypeConstraint<T>("dtype"),           \
      RandomCpu<T, StandardNormal>);                                          \
  TG_REGISTER_KERNEL(CpuKernel("RandomUniform").TypeConstraint<T>("dtype"),   \
                     RandomCpu<T, UniformUnit>);                              \
  TG_REGISTER_KERNEL(CpuKernel("TruncatedNormal").TypeConstraint<T>("dtype"), \
                     RandomCpu<T, Truncated>)

TG_CPU_RANDOM(float);
TG_CPU_RANDOM(double);

}  // namespace
}  // namespace tg
