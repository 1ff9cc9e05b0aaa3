// Graph-file detection: the bytes as a file `tg` is pointed at (GraphDef,
// MetaGraphDef or SavedModel, binary or text), under the three names whose
// extension breaks ties.
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "graph/graph_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const char* names[] = {"graph", "model.meta", "saved_model.pb",
                         "graph.pbtxt"};
  const std::string path =
      tg::fuzz::WriteScratchFile(names[size % 4], data, size);
  absl::StatusOr<tg::GraphFile> file = tg::ReadGraphFile(path);
  if (file.ok()) (void)file->Description();
  return 0;
}
