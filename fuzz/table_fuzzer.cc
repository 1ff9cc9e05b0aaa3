// The checkpoint index table (sorted blocks with restarts, CRC trailers,
// Snappy blocks, footer), from memory.
#include <cstdint>
#include <string>

#include "core/io/table.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const std::string contents(reinterpret_cast<const char*>(data), size);
  tg::ReadTable(contents, "fuzz.index").IgnoreError();
  return 0;
}
