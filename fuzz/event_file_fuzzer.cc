// TensorBoard event files: TFRecord framing with masked CRCs, then Event
// protos.
#include <cstdint>

#include "core/io/event_file.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const std::string path =
      tg::fuzz::WriteScratchFile("events.out.tfevents.1.fuzz", data, size);
  tg::ReadEventFile(path).IgnoreError();
  return 0;
}
