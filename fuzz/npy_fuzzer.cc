// NumPy .npy files, as `tg run --feed` reads them.
#include <cstdint>

#include "core/npy.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const std::string path = tg::fuzz::WriteScratchFile("x.npy", data, size);
  tg::ReadNpyFile(path).IgnoreError();
  return 0;
}
