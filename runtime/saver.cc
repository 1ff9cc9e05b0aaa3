#include "runtime/saver.h"

#include <cstdio>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/file_io.h"
#include "core/io/tensor_bundle.h"
#include "core/resource_handle.h"
#include "google/protobuf/text_format.h"
#include "proto/checkpoint_state.pb.h"

namespace tg {
namespace {

using ::tensorgraph::CheckpointState;

struct VariableDecl {
  std::string name;  // The key in the session's store and the checkpoint.
  DataType dtype;
  PartialShape shape;
};

// The variables the graph declares, in graph order: reference variables
// and resource variables (a VarHandleOp's), keyed the same way, so a
// checkpoint restores into a graph built with either kind.
std::vector<VariableDecl> GraphVariables(const Graph& graph) {
  std::vector<VariableDecl> vars;
  for (const Node* n : graph.nodes()) {
    const bool ref = n->op() == "VariableV2" || n->op() == "Variable";
    if (!ref && n->op() != "VarHandleOp") continue;
    absl::StatusOr<std::string> shared =
        GetAttr<std::string>(n->attrs(), "shared_name");
    VariableDecl v{shared.ok() && !shared->empty() ? *shared : n->name(),
                   DT_INVALID, PartialShape::Unknown()};
    if (ref) {
      v.dtype = BaseType(n->output_type(0));
      v.shape = n->output_shape(0);
    } else {
      absl::StatusOr<std::string> container =
          GetAttr<std::string>(n->attrs(), "container");
      ResourceHandle h;
      h.container = container.ok() ? *container : "";
      h.name = v.name;
      v.name = h.VariableKey();
      absl::StatusOr<DataType> dtype = GetAttr<DataType>(n->attrs(), "dtype");
      absl::StatusOr<::tensorgraph::TensorShapeProto> shape =
          GetAttr<::tensorgraph::TensorShapeProto>(n->attrs(), "shape");
      if (!dtype.ok() || !shape.ok()) continue;
      v.dtype = *dtype;
      v.shape = PartialShape::FromProto(*shape);
    }
    vars.push_back(std::move(v));
  }
  return vars;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

absl::StatusOr<CheckpointState> ReadState(const std::string& dir) {
  const std::string path = JoinPath(dir, "checkpoint");
  TG_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  CheckpointState state;
  if (!google::protobuf::TextFormat::ParseFromString(text, &state)) {
    return absl::DataLossError(
        absl::StrCat("'", path, "' is not a valid checkpoint state file"));
  }
  return state;
}

void RemoveBundle(const std::string& prefix) {
  std::remove(BundleIndexPath(prefix).c_str());
  std::remove(BundleDataPath(prefix, 0, 1).c_str());
}

}  // namespace

absl::StatusOr<std::string> Saver::Save(Session* session,
                                        const std::string& prefix,
                                        int64_t global_step) {
  const std::string path =
      global_step >= 0 ? absl::StrCat(prefix, "-", global_step) : prefix;
  const std::string dir = Dirname(path);
  TG_RETURN_IF_ERROR(CreateDirectories(dir));
  TG_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create(path));
  for (const VariableDecl& v : GraphVariables(session->graph())) {
    const Variable* var = session->variables()->Find(v.name);
    if (var == nullptr || !var->initialized) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot save variable '", v.name,
          "': it is not initialized (run the init op or restore first)"));
    }
    // A variable on a device is written through a copy to the host.
    TG_ASSIGN_OR_RETURN(Tensor host, var->tensor.ToHost());
    TG_RETURN_IF_ERROR(writer->Add(v.name, host));
  }
  TG_RETURN_IF_ERROR(writer->Finish());

  // Record it, relative to the directory as TensorFlow writes it.
  CheckpointState state;
  absl::StatusOr<CheckpointState> old = ReadState(dir);
  if (old.ok()) state = *std::move(old);
  const std::string rel = Basename(path);
  CheckpointState updated;
  std::vector<std::string> dropped;
  std::vector<std::string> kept;
  for (const std::string& p : state.all_model_checkpoint_paths()) {
    if (p != rel) kept.push_back(p);
  }
  kept.push_back(rel);
  const size_t keep = options_.max_to_keep > 0
                          ? static_cast<size_t>(options_.max_to_keep)
                          : kept.size();
  while (kept.size() > keep) {
    dropped.push_back(kept.front());
    kept.erase(kept.begin());
  }
  updated.set_model_checkpoint_path(rel);
  const double now = absl::ToUnixMicros(absl::Now()) * 1e-6;
  for (const std::string& p : kept) {
    updated.add_all_model_checkpoint_paths(p);
    updated.add_all_model_checkpoint_timestamps(now);
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(updated, &text);
  TG_RETURN_IF_ERROR(WriteFileAtomically(JoinPath(dir, "checkpoint"), text));
  for (const std::string& p : dropped) RemoveBundle(JoinPath(dir, p));
  return path;
}

namespace {

// Sets variable `v` from tensor `key` of the checkpoint.
absl::Status RestoreOne(Session* session, const BundleReader& reader,
                        const std::string& prefix, const VariableDecl& v,
                        const std::string& key) {
  if (!reader.Contains(key)) {
    return absl::NotFoundError(absl::StrCat("checkpoint '", prefix,
                                            "' has no tensor '", key,
                                            "' for variable '", v.name, "'"));
  }
  TG_ASSIGN_OR_RETURN(Tensor t, reader.Read(key));
  if (t.dtype() != v.dtype) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint '", prefix, "': variable '", v.name, "' is ",
                     DataTypeName(t.dtype()), ", the graph declares ",
                     DataTypeName(v.dtype)));
  }
  if (!v.shape.IsCompatibleWith(t.shape())) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint '", prefix, "': variable '", v.name,
                     "' has shape ", t.shape().DebugString(),
                     ", the graph declares ", v.shape.DebugString()));
  }
  Variable* var = session->variables()->GetOrCreate(v.name);
  var->destroyed = false;
  return AnnotateStatus(SetVariableValue(var, t),
                        absl::StrCat("restoring variable '", v.name, "': "));
}

}  // namespace

absl::Status Saver::Restore(Session* session, const std::string& prefix) {
  TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix));
  for (const VariableDecl& v : GraphVariables(session->graph())) {
    TG_RETURN_IF_ERROR(RestoreOne(session, *reader, prefix, v, v.name));
  }
  return absl::OkStatus();
}

absl::Status Saver::RestoreByKeys(
    Session* session, const std::string& prefix,
    const std::map<std::string, std::string>& keys) {
  TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix));
  std::map<std::string, VariableDecl> vars;
  for (const VariableDecl& v : GraphVariables(session->graph())) {
    vars.emplace(v.name, v);
  }
  for (const auto& [name, key] : keys) {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return absl::NotFoundError(absl::StrCat(
          "checkpoint '", prefix, "': the object graph restores variable '",
          name, "', which the graph does not have"));
    }
    TG_RETURN_IF_ERROR(RestoreOne(session, *reader, prefix, it->second, key));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LatestCheckpoint(const std::string& dir) {
  absl::StatusOr<CheckpointState> state = ReadState(dir);
  if (absl::IsNotFound(state.status())) {
    return absl::NotFoundError(
        absl::StrCat("no checkpoint in '", dir, "' (no 'checkpoint' file)"));
  }
  TG_RETURN_IF_ERROR(state.status());
  const std::string& p = state->model_checkpoint_path();
  if (p.empty()) {
    return absl::NotFoundError(absl::StrCat("no checkpoint in '", dir, "'"));
  }
  return JoinPath(dir, p);
}

}  // namespace tg
