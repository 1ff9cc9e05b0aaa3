#include "graph/graph_file.h"

#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/file_io.h"
#include "core/status.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "graph/graph_def_io.h"

namespace tg {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

bool HasTextExtension(const std::string& path) {
  return absl::EndsWith(path, ".pbtxt") || absl::EndsWith(path, ".pbtext") ||
         absl::EndsWith(path, ".txt");
}

// Text-format protos are printable UTF-8; serialized ones almost never are
// (every message starts with a tag byte and lengths are raw bytes).
bool LooksLikeText(const std::string& data) {
  for (unsigned char c : data) {
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' &&
                   c != '\f' && c != '\v')) {
      return false;
    }
  }
  return true;
}

// Keeps the first error of the text parser instead of logging it.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error.empty()) {
      error = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ",
                           message);
    }
  }
  std::string error;
};

bool ParseText(const std::string& data, google::protobuf::Message* msg,
               std::string* error) {
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  const bool ok = parser.ParseFromString(data, msg);
  if (!ok && error->empty()) *error = errors.error;
  return ok;
}

// A parsed GraphDef is plausible when every node has a name and an op: the
// bytes of a MetaGraphDef or SavedModel can parse as a GraphDef otherwise.
bool PlausibleGraphDef(const GraphDef& def) {
  for (const auto& n : def.node()) {
    if (n.name().empty() || n.op().empty()) return false;
  }
  return true;
}

void FromMetaGraph(MetaGraphDef meta, GraphFile* out) {
  out->kind = GraphFile::Kind::kMetaGraphDef;
  out->graph_def = std::move(*meta.mutable_graph_def());
  meta.clear_graph_def();
  out->meta_graph = std::move(meta);
}

absl::Status FromSavedModel(const SavedModel& model, const std::string& what,
                            GraphFile* out) {
  if (model.meta_graphs_size() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " holds no MetaGraph"));
  }
  FromMetaGraph(model.meta_graphs(0), out);
  out->kind = GraphFile::Kind::kSavedModel;
  return absl::OkStatus();
}

// Protocol Buffers cannot parse a message of 2 GiB or more; saying so
// beats its generic failure.
absl::Status CheckProtoSize(const std::string& path, size_t size) {
  constexpr size_t kMaxProtoBytes = (size_t{1} << 31) - 1;
  TG_REQUIRE(size <= kMaxProtoBytes, InvalidArgument, "'", SafeText(path),
             "' holds ", size,
             " bytes, more than the 2 GiB a protocol buffer "
             "may have");
  return absl::OkStatus();
}

absl::StatusOr<GraphFile> ReadSavedModelDir(const std::string& dir) {
  const std::string pb = dir + "/saved_model.pb";
  const std::string pbtxt = dir + "/saved_model.pbtxt";
  const bool text = !Exists(pb);
  if (text && !Exists(pbtxt)) {
    return absl::NotFoundError(
        absl::StrCat("'", dir,
                     "' is a directory without saved_model.pb or "
                     "saved_model.pbtxt: not a SavedModel"));
  }
  const std::string path = text ? pbtxt : pb;
  TG_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path));
  TG_RETURN_IF_ERROR(CheckProtoSize(path, data.size()));
  google::protobuf::LogSilencer silence;  // Errors are returned, not logged.
  SavedModel model;
  std::string error;
  const bool ok =
      text ? ParseText(data, &model, &error) : model.ParseFromString(data);
  if (!ok) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' (", data.size(), " bytes) is not a valid SavedModel",
        error.empty() ? ": truncated or corrupt" : ": " + error));
  }
  GraphFile out;
  out.text = text;
  TG_RETURN_IF_ERROR(FromSavedModel(model, absl::StrCat("'", path, "'"), &out));
  const std::string prefix = dir + "/variables/variables";
  if (Exists(prefix + ".index")) out.variables_prefix = prefix;
  return out;
}

}  // namespace

std::string GraphFile::Description() const {
  const char* kinds[] = {"GraphDef", "MetaGraphDef", "SavedModel"};
  return absl::StrCat(text ? "text " : "binary ",
                      kinds[static_cast<int>(kind)]);
}

absl::StatusOr<GraphFile> ReadGraphFile(const std::string& path) {
  if (IsDirectory(path)) return ReadSavedModelDir(path);
  TG_ASSIGN_OR_RETURN(std::string data, ReadFileToString(path));
  TG_RETURN_IF_ERROR(CheckProtoSize(path, data.size()));
  // A failed attempt at one schema is expected; protobuf would log it.
  google::protobuf::LogSilencer silence;
  GraphFile out;
  std::string error;
  if (LooksLikeText(data)) {
    out.text = true;
    // Exactly one of the three schemas accepts a given text: field names
    // differ at the top level.
    if (ParseText(data, &out.graph_def, &error)) return out;
    MetaGraphDef meta;
    if (ParseText(data, &meta, &error)) {
      FromMetaGraph(std::move(meta), &out);
      return out;
    }
    SavedModel model;
    if (ParseText(data, &model, &error)) {
      TG_RETURN_IF_ERROR(
          FromSavedModel(model, absl::StrCat("'", path, "'"), &out));
      return out;
    }
    if (HasTextExtension(path) || data.empty()) {
      return absl::DataLossError(absl::StrCat("'", path,
                                              "' is not a valid text GraphDef, "
                                              "MetaGraphDef or SavedModel: ",
                                              error));
    }
  }
  out.text = false;
  const bool meta_first = absl::EndsWith(path, ".meta");
  const bool saved_model_first = absl::EndsWith(path, "saved_model.pb");
  if (!meta_first && !saved_model_first &&
      out.graph_def.ParseFromString(data) && PlausibleGraphDef(out.graph_def)) {
    return out;
  }
  if (!saved_model_first) {
    MetaGraphDef meta;
    if (meta.ParseFromString(data) && meta.has_graph_def() &&
        PlausibleGraphDef(meta.graph_def())) {
      FromMetaGraph(std::move(meta), &out);
      return out;
    }
  }
  SavedModel model;
  if (model.ParseFromString(data) && model.meta_graphs_size() > 0 &&
      PlausibleGraphDef(model.meta_graphs(0).graph_def())) {
    TG_RETURN_IF_ERROR(
        FromSavedModel(model, absl::StrCat("'", path, "'"), &out));
    return out;
  }
  if (meta_first || saved_model_first) {
    out.graph_def.Clear();
    if (out.graph_def.ParseFromString(data) &&
        PlausibleGraphDef(out.graph_def)) {
      return out;
    }
  }
  return absl::DataLossError(absl::StrCat(
      "'", path, "' (", data.size(),
      " bytes) is not a GraphDef, MetaGraphDef or SavedModel, binary or "
      "text: truncated or corrupt?"));
}

absl::StatusOr<GraphDef> ReadGraphDefFile(const std::string& path) {
  TG_ASSIGN_OR_RETURN(GraphFile file, ReadGraphFile(path));
  return std::move(file.graph_def);
}

absl::Status WriteGraphFile(const GraphFile& file, const std::string& path) {
  std::unique_ptr<google::protobuf::Message> msg;
  switch (file.kind) {
    case GraphFile::Kind::kGraphDef:
      msg = std::make_unique<GraphDef>(file.graph_def);
      break;
    case GraphFile::Kind::kMetaGraphDef: {
      auto meta = std::make_unique<MetaGraphDef>(file.meta_graph);
      *meta->mutable_graph_def() = file.graph_def;
      msg = std::move(meta);
      break;
    }
    case GraphFile::Kind::kSavedModel: {
      auto model = std::make_unique<SavedModel>();
      model->set_saved_model_schema_version(1);
      MetaGraphDef* meta = model->add_meta_graphs();
      *meta = file.meta_graph;
      *meta->mutable_graph_def() = file.graph_def;
      msg = std::move(model);
      break;
    }
  }
  std::string data;
  if (HasTextExtension(path)) {
    if (!google::protobuf::TextFormat::PrintToString(*msg, &data)) {
      return absl::InternalError("cannot print the graph as text");
    }
  } else if (!msg->SerializeToString(&data)) {
    return absl::InternalError("cannot serialize the graph");
  }
  return WriteFileAtomically(path, data);
}

}  // namespace tg
