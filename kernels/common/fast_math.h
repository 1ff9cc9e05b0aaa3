// Branch-free single-precision exp that compilers vectorize (glibc's expf is
// a function call per element and keeps a loop scalar). Range reduction
// exp(x) = 2^n * exp(r) with n = round(x / ln 2), |r| <= ln(2)/2, then a
// degree-6 polynomial for exp(r) (the Cephes coefficients). Relative error
// below 1e-7 wherever exp(x) is a normal float; like exp, it overflows to
// +inf above 88.72, underflows through denormals to 0 below -87.3, and keeps
// NaN.
//
// Vectorizing the callers' loops needs -fno-trapping-math (the clamps are
// then compiled to min/max), which kernels/cpu sets.
#ifndef TG_KERNELS_COMMON_FAST_MATH_H_
#define TG_KERNELS_COMMON_FAST_MATH_H_

#include <cmath>
#include <cstdint>
#include <cstring>

#ifndef TG_HOST_DEVICE
#ifdef __CUDACC__
#define TG_HOST_DEVICE __host__ __device__
#else
#define TG_HOST_DEVICE
#endif
#endif

namespace tg {
namespace functor {

TG_HOST_DEVICE inline float Pow2(int32_t e) {  // 2^e for e in [-126, 127]
  const uint32_t bits = static_cast<uint32_t>(e + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

TG_HOST_DEVICE inline float FastExp(float input) {
  float x = input < -104.0f ? -104.0f : input;
  x = x > 88.72f ? 88.72f : x;
  // NaN takes a harmless path (converting NaN to int is undefined) and is
  // restored at the end.
  const bool nan = x != x;
  x = nan ? 0.0f : x;
  // Adding and removing 1.5 * 2^23 rounds to the nearest integer (a
  // floorf call would keep the loop scalar).
  constexpr float kRound = 12582912.0f;
  const float n = (x * 1.44269504088896341f + kRound) - kRound;
  // ln 2 in two parts, so that r is computed exactly.
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  // 2^n as two factors, so that n in [-150, 128] needs no special case.
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t half = ni >> 1;
  const float result = p * Pow2(half) * Pow2(ni - half);
  // Overflow gives +inf, as exp does.
  return nan ? input : (input > 88.7228394f ? HUGE_VALF : result);
}

// exp for the elementwise functors: the fast path for float, the library
// for everything else (double keeps full precision for gradient checks).
template <typename T>
TG_HOST_DEVICE inline T Exp(T x) {
  return std::exp(x);
}
template <>
TG_HOST_DEVICE inline float Exp<float>(float x) {
  return FastExp(x);
}

}  // namespace functor
}  // namespace tg

#endif  // TG_KERNELS_COMMON_FAST_MATH_H_
