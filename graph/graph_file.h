// Reading the graph files users bring: a GraphDef (binary `.pb` or text
// `.pbtxt`), a MetaGraphDef (`.meta`, binary or text), or a SavedModel
// directory (`saved_model.pb` or `saved_model.pbtxt`, with its checkpoint in
// `variables/`). The format is detected from the contents; the extension
// only breaks ties.
#ifndef TG_GRAPH_GRAPH_FILE_H_
#define TG_GRAPH_GRAPH_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "graph/graph.h"
#include "proto/meta_graph.pb.h"
#include "proto/saved_model.pb.h"

namespace tg {

using ::tensorgraph::MetaGraphDef;
using ::tensorgraph::SavedModel;

struct GraphFile {
  enum class Kind { kGraphDef, kMetaGraphDef, kSavedModel };
  Kind kind = Kind::kGraphDef;
  bool text = false;
  GraphDef graph_def;
  // For MetaGraphDef and SavedModel: the meta graph, graph_def cleared.
  MetaGraphDef meta_graph;
  // For a SavedModel whose `variables/variables.index` exists: that
  // checkpoint's prefix; empty otherwise.
  std::string variables_prefix;

  // "binary GraphDef", "text SavedModel", ...
  std::string Description() const;
};

// Errors: NotFound for a missing path; DataLoss (naming the path and size)
// for contents that are none of the formats, e.g. a truncated file.
absl::StatusOr<GraphFile> ReadGraphFile(const std::string& path);

// Writes `file` back in its own kind, as text when `path` ends in ".pbtxt"
// (or ".pbtext", ".txt"), binary otherwise; atomically. A SavedModel is
// written as its `saved_model` message.
absl::Status WriteGraphFile(const GraphFile& file, const std::string& path);

}  // namespace tg

#endif  // TG_GRAPH_GRAPH_FILE_H_
