// GraphDef parsing and import: the bytes as a binary GraphDef and as a text
// one, each imported (every node validated against the registry, shapes
// inferred) and, when that succeeds, exported and pruned.
#include <cstdint>
#include <string>

#include "core/status.h"
#include "fuzz/fuzz_input.h"
#include "google/protobuf/text_format.h"
#include "graph/graph.h"
#include "graph/graph_def_io.h"

namespace {

void ImportAndWalk(const tg::GraphDef& def) {
  tg::Graph graph;
  if (!tg::ImportGraphDef(def, &graph).ok()) return;
  tg::GraphDef out = graph.ToGraphDef();
  std::vector<std::string> targets;
  for (const auto& n : out.node()) targets.push_back(n.name());
  tg::PruneGraphDef(out, targets, {}).IgnoreError();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  tg::GraphDef binary;
  if (binary.ParseFromString(bytes)) ImportAndWalk(binary);
  tg::GraphDef text;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(false);
  if (parser.ParseFromString(bytes, &text)) ImportAndWalk(text);
  tg::TakeProtobufLog();
  return 0;
}
