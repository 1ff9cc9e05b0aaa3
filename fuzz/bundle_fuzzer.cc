// V2 tensor bundles: the first two bytes give the length of the index file,
// the rest is the data file. Every tensor the index lists is read.
#include <cstdint>
#include <string>

#include "core/io/tensor_bundle.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  if (size < 2) return 0;
  size_t index_size = (size_t{data[0]} << 8 | data[1]);
  data += 2;
  size -= 2;
  if (index_size > size) index_size = size;
  const std::string index =
      tg::fuzz::WriteScratchFile("ckpt.index", data, index_size);
  tg::fuzz::WriteScratchFile("ckpt.data-00000-of-00001", data + index_size,
                             size - index_size);
  const std::string prefix = index.substr(0, index.size() - 6);
  absl::StatusOr<std::unique_ptr<tg::BundleReader>> reader =
      tg::BundleReader::Open(prefix);
  if (!reader.ok()) return 0;
  for (const std::string& name : (*reader)->Names()) {
    (*reader)->Read(name).IgnoreError();
  }
  return 0;
}
