// gMock matcher for tensors: BitIdenticalTo(expected).
#ifndef TG_TESTS_TESTING_TENSOR_MATCHERS_H_
#define TG_TESTS_TESTING_TENSOR_MATCHERS_H_

#include <cstring>

#include "core/tensor.h"
#include "gmock/gmock.h"

namespace tg {
namespace testing {

// Same dtype, same shape and the same bytes (NaN payloads and -0 included)
// as `expected`, a numeric or bool tensor. An empty tensor may have no
// buffer at all, so its bytes are never handed to memcmp.
MATCHER_P(BitIdenticalTo, expected, "is bit-identical to the expected tensor") {
  const Tensor& t = arg;
  if (t.dtype() != expected.dtype() || t.shape() != expected.shape()) {
    *result_listener << "dtype or shape differs";
    return false;
  }
  if (t.TotalBytes() != expected.TotalBytes()) {
    *result_listener << "byte sizes differ";
    return false;
  }
  return t.TotalBytes() == 0 ||
         std::memcmp(t.raw_data(), expected.raw_data(), t.TotalBytes()) == 0;
}

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_TENSOR_MATCHERS_H_
