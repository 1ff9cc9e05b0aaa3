// Overflow-checked integer arithmetic for sizes, counts and offsets that come
// from untrusted input, and the wrap-around arithmetic that integer kernels
// use for element values.
//
// Shape arithmetic (element counts, byte sizes, padded or tiled dims) must
// never overflow silently: CheckedMul/CheckedAdd report overflow and callers
// turn it into an error. Element values of integer tensors follow
// TensorFlow's two's-complement semantics instead: WrappingAdd/Sub/Mul/Neg
// compute in the unsigned type, so INT32_MAX + 1 == INT32_MIN and nothing is
// undefined behaviour.
#ifndef TG_CORE_CHECKED_MATH_H_
#define TG_CORE_CHECKED_MATH_H_

#include <cstdint>
#include <limits>
#include <type_traits>

namespace tg {

// True and *out = a * b when the product fits in int64.
inline bool CheckedMul(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}
inline bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

// a * b, saturated at INT64_MAX for non-negative operands that overflow.
inline int64_t SaturatingMul(int64_t a, int64_t b) {
  int64_t out;
  return CheckedMul(a, b, &out) ? out : std::numeric_limits<int64_t>::max();
}

inline int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  return CheckedAdd(a, b, &out) ? out : std::numeric_limits<int64_t>::max();
}

template <typename T>
using UnsignedOf = std::make_unsigned_t<T>;

// Two's-complement element arithmetic. For floating types these are the
// plain operators; for bool they are not used.
template <typename T>
constexpr T WrappingAdd(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return static_cast<T>(static_cast<UnsignedOf<T>>(a) +
                          static_cast<UnsignedOf<T>>(b));
  } else {
    return a + b;
  }
}
template <typename T>
constexpr T WrappingSub(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    return static_cast<T>(static_cast<UnsignedOf<T>>(a) -
                          static_cast<UnsignedOf<T>>(b));
  } else {
    return a - b;
  }
}
template <typename T>
constexpr T WrappingMul(T a, T b) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // Unsigned types narrower than int promote to (signed) int, where the
    // product can overflow; multiply in at least unsigned int.
    using U = std::common_type_t<UnsignedOf<T>, unsigned int>;
    return static_cast<T>(static_cast<U>(static_cast<UnsignedOf<T>>(a)) *
                          static_cast<U>(static_cast<UnsignedOf<T>>(b)));
  } else {
    return a * b;
  }
}
template <typename T>
constexpr T WrappingNeg(T a) {
  return WrappingSub(T(0), a);
}

}  // namespace tg

#endif  // TG_CORE_CHECKED_MATH_H_
