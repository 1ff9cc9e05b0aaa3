// MNIST's IDX files, raw or gzip-compressed.
#include <cstdint>

#include "examples/mnist/idx.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const std::string path =
      tg::fuzz::WriteScratchFile("images-idx3-ubyte", data, size);
  tg::mnist::ReadIdxFile(path).IgnoreError();
  return 0;
}
