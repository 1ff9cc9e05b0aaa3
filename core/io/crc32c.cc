#include "core/io/crc32c.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <climits>

namespace tg {
namespace crc32c {

uint32_t Extend(uint32_t crc, const char* data, size_t n) {
  // ISA-L works on the un-inverted register: seed it with ~crc and invert
  // the result to get the standard (final-XOR) CRC. Its length is an int, so
  // large buffers go in chunks.
  uint32_t reg = ~crc;
  auto* p = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
  while (n > 0) {
    const size_t chunk = std::min<size_t>(n, 1u << 30);
    reg = crc32_iscsi(p, static_cast<int>(chunk), reg);
    p += chunk;
    n -= chunk;
  }
  return ~reg;
}

}  // namespace crc32c
}  // namespace tg
