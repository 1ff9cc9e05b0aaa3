// Elementwise math shared by every device: one functor per op, usable from
// host code and, under nvcc, from device code. A device registers an op as
// one line over its functor (see kernels/cpu/cwise_ops.cc).
//
// Integer semantics (TensorFlow's): Add, Sub, Mul, Neg, Square, Abs and Pow
// wrap around in two's complement (Abs and Neg of the lowest value give the
// lowest value); no integer functor has undefined behaviour. Division and
// modulo by zero and negative integer exponents are refused by the kernels
// before the functors run (see DivisionCpu and PowCpu).
#ifndef TG_KERNELS_COMMON_ELEMENTWISE_FUNCTORS_H_
#define TG_KERNELS_COMMON_ELEMENTWISE_FUNCTORS_H_

#include <cmath>
#include <type_traits>

#include "core/checked_math.h"
#include "kernels/common/fast_math.h"

#ifdef __CUDACC__
#define TG_HOST_DEVICE __host__ __device__
#else
#define TG_HOST_DEVICE
#endif

namespace tg {
namespace functor {

struct Neg {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return WrappingNeg(x);
  }
};
struct Square {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return WrappingMul(x, x);
  }
};
struct Sigmoid {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return T(1) / (T(1) + Exp(-x));
  }
};
struct Tanh {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return std::tanh(x);
  }
};
struct Relu {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};

struct Relu6 {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? (x < T(6) ? x : T(6)) : T(0);
  }
};
// x for x > 0, alpha x below (alpha: the op's attr).
struct LeakyRelu {
  float alpha;
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? x : static_cast<T>(alpha) * x;
  }
};
// gradients where features > 0, alpha gradients below.
struct LeakyReluGrad {
  float alpha;
  template <typename T>
  TG_HOST_DEVICE T operator()(T dy, T x) const {
    return x > T(0) ? dy : static_cast<T>(alpha) * dy;
  }
};
// x for x > 0, exp(x) - 1 below (computed as expm1, exact near 0).
struct Elu {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? x : std::expm1(x);
  }
};

struct ExpF {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return Exp(x);
  }
};
struct Log {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return std::log(x);
  }
};
struct Log1p {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return std::log1p(x);
  }
};
struct Sqrt {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return std::sqrt(x);
  }
};
struct Rsqrt {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return T(1) / std::sqrt(x);
  }
};
struct Reciprocal {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return T(1) / x;
  }
};
struct Abs {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_integral_v<T>) {
      return x < T(0) ? WrappingNeg(x) : x;
    } else {
      return std::fabs(x);
    }
  }
};
struct Sign {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
  }
};
// log(1 + exp(x)), without overflow for large x.
struct Softplus {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x) const {
    return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
};

struct Maximum {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return x > y ? x : y;
  }
};
struct Minimum {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return x < y ? x : y;
  }
};
// Integer powers by squaring: at most 2 * 64 wrapping multiplications
// whatever the exponent. A negative exponent (refused by the kernel) gives
// 1 / x rounded toward zero, so the functor is total.
struct Pow {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    if constexpr (std::is_integral_v<T>) {
      if (y < T(0)) {
        if (x == T(1)) return T(1);
        if constexpr (std::is_signed_v<T>) {
          if (x == T(-1)) return (y & T(1)) ? T(-1) : T(1);
        }
        return T(0);
      }
      T result = 1, base = x;
      for (T e = y; e != T(0); e >>= 1) {
        if (e & T(1)) result = WrappingMul(result, base);
        base = WrappingMul(base, base);
      }
      return result;
    } else {
      return std::pow(x, y);
    }
  }
};
struct Add {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return WrappingAdd(x, y);
  }
};
struct Sub {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return WrappingSub(x, y);
  }
};
struct Mul {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return WrappingMul(x, y);
  }
};
struct RealDiv {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    return x / y;
  }
};
// Div on integers truncates toward zero; the kernel rejects a zero divisor
// first. Dividing by -1 negates with wrap-around, as the hardware division of
// the lowest value by -1 would trap.
struct TruncDiv {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    if constexpr (std::is_integral_v<T>) {
      if constexpr (std::is_signed_v<T>) {
        if (y == -1)
          return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(x));
      }
    }
    return x / y;
  }
};
struct FloorDiv {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    if constexpr (std::is_integral_v<T>) {
      const T q = TruncDiv()(x, y);
      return (WrappingMul(q, y) != x && ((x < 0) != (y < 0))) ? q - 1 : q;
    } else {
      return std::floor(x / y);
    }
  }
};
struct FloorMod {
  template <typename T>
  TG_HOST_DEVICE T operator()(T x, T y) const {
    T r;
    if constexpr (std::is_integral_v<T>) {
      r = (std::is_signed_v<T> && y == static_cast<T>(-1)) ? 0 : x % y;
    } else {
      r = std::fmod(x, y);
    }
    return (r != 0 && ((r < 0) != (y < 0))) ? WrappingAdd(r, y) : r;
  }
};
struct Equal {
  template <typename T>
  TG_HOST_DEVICE bool operator()(T x, T y) const {
    return x == y;
  }
};
struct Greater {
  template <typename T>
  TG_HOST_DEVICE bool operator()(T x, T y) const {
    return x > y;
  }
};
struct GreaterEqual {
  template <typename T>
  TG_HOST_DEVICE bool operator()(T x, T y) const {
    return x >= y;
  }
};
struct Less {
  template <typename T>
  TG_HOST_DEVICE bool operator()(T x, T y) const {
    return x < y;
  }
};
struct LessEqual {
  template <typename T>
  TG_HOST_DEVICE bool operator()(T x, T y) const {
    return x <= y;
  }
};
// SigmoidGrad(y, dy) = dy * y * (1 - y).
struct SigmoidGrad {
  template <typename T>
  TG_HOST_DEVICE T operator()(T y, T dy) const {
    return dy * y * (T(1) - y);
  }
};
// TanhGrad(y, dy) = dy * (1 - y^2).
struct TanhGrad {
  template <typename T>
  TG_HOST_DEVICE T operator()(T y, T dy) const {
    return dy * (T(1) - y * y);
  }
};
// ReluGrad(dy, x) = dy where x > 0.
// gradients * (0 < features < 6).
struct Relu6Grad {
  template <typename T>
  TG_HOST_DEVICE T operator()(T dy, T x) const {
    return (x > T(0) && x < T(6)) ? dy : T(0);
  }
};
// From Elu's output y: dy for y > 0, dy * (y + 1) (= dy * exp(x)) below.
struct EluGrad {
  template <typename T>
  TG_HOST_DEVICE T operator()(T dy, T y) const {
    return y > T(0) ? dy : dy * (y + T(1));
  }
};
struct ReluGrad {
  template <typename T>
  TG_HOST_DEVICE T operator()(T dy, T x) const {
    return x > T(0) ? dy : T(0);
  }
};

}  // namespace functor
}  // namespace tg

#endif  // TG_KERNELS_COMMON_ELEMENTWISE_FUNCTORS_H_
