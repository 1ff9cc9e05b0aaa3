// CRC-32C (Castagnoli) and the masking TensorFlow's formats store.
//
// TFRecord/event files, checkpoint `.index` block trailers and checkpoint
// tensor entries all store a *masked* CRC, so that a CRC of data which itself
// contains CRCs does not degenerate. The CRC itself comes from ISA-L.
#ifndef TG_CORE_IO_CRC32C_H_
#define TG_CORE_IO_CRC32C_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace tg {
namespace crc32c {

// The CRC of `data` appended to bytes whose CRC was `crc` (0 for none).
uint32_t Extend(uint32_t crc, const char* data, size_t n);
inline uint32_t Value(absl::string_view data) {
  return Extend(0, data.data(), data.size());
}

constexpr uint32_t kMaskDelta = 0xa282ead8u;
// Rotate right by 15 bits, then add a constant.
inline uint32_t Mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// Whether a stored CRC (unmasked) matches the one computed. Fuzzing builds
// (--config=fuzz defines FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, as
// libFuzzer and OSS-Fuzz projects do) accept any stored CRC, so that the
// fuzzers reach the parsing behind the checksums instead of stopping at
// them; every other build compares.
inline bool CrcMatches(uint32_t stored, uint32_t computed) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  (void)stored;
  (void)computed;
  return true;
#else
  return stored == computed;
#endif
}

}  // namespace crc32c
}  // namespace tg

#endif  // TG_CORE_IO_CRC32C_H_
