// ObjectGraphCheckpointKeys (runtime/saver.h): TensorFlow 2's object-based
// matching of a SavedModel's objects to a checkpoint's.
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/io/tensor_bundle.h"
#include "proto/trackable_object_graph.pb.h"
#include "runtime/saver.h"

namespace tg {
namespace {

using ::tensorgraph::SavedObjectGraph;
using ::tensorgraph::TrackableObjectGraph;

constexpr char kObjectGraphKey[] = "_CHECKPOINTABLE_OBJECT_GRAPH";
constexpr char kValueAttribute[] = "VARIABLE_VALUE";

absl::StatusOr<TrackableObjectGraph> ReadObjectGraph(
    const BundleReader& reader, const std::string& prefix) {
  TG_ASSIGN_OR_RETURN(Tensor t, reader.Read(kObjectGraphKey));
  TrackableObjectGraph graph;
  if (t.dtype() != DT_STRING || t.NumElements() != 1 ||
      !graph.ParseFromString(t.flat<std::string>()[0])) {
    return absl::DataLossError(
        absl::StrCat("checkpoint '", prefix, "': ", kObjectGraphKey,
                     " is not a serialized object graph (a scalar string)"));
  }
  return graph;
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ObjectGraphCheckpointKeys(
    const SavedObjectGraph& saved, const std::string& prefix) {
  std::map<std::string, std::string> keys;
  if (saved.nodes_size() == 0) return keys;
  TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix));
  if (!reader->Contains(kObjectGraphKey)) return keys;
  TG_ASSIGN_OR_RETURN(TrackableObjectGraph ckpt,
                      ReadObjectGraph(*reader, prefix));
  if (ckpt.nodes_size() == 0) return keys;
  auto bad = [&](const char* which, int id) {
    return absl::DataLossError(absl::StrCat("checkpoint '", prefix, "': the ",
                                            which, " object graph names node ",
                                            id, ", which it lacks"));
  };
  // (checkpoint node, saved node), breadth first from the roots; each
  // checkpoint node is matched once.
  std::deque<std::pair<int, int>> queue = {{0, 0}};
  absl::flat_hash_set<int> seen = {0};
  while (!queue.empty()) {
    const auto [c, s] = queue.front();
    queue.pop_front();
    const auto& cnode = ckpt.nodes(c);
    const auto& snode = saved.nodes(s);
    if (c != 0 && snode.has_variable()) {
      for (const auto& a : cnode.attributes()) {
        if (a.name() == kValueAttribute && !snode.variable().name().empty()) {
          keys[snode.variable().name()] = a.checkpoint_key();
        }
      }
    }
    for (const auto& child : cnode.children()) {
      if (child.node_id() < 0 || child.node_id() >= ckpt.nodes_size()) {
        return bad("checkpoint's", child.node_id());
      }
      if (!seen.insert(child.node_id()).second) continue;
      for (const auto& schild : snode.children()) {
        if (schild.local_name() != child.local_name()) continue;
        if (schild.node_id() < 0 || schild.node_id() >= saved.nodes_size()) {
          return bad("SavedModel's", schild.node_id());
        }
        queue.emplace_back(child.node_id(), schild.node_id());
        break;
      }
    }
  }
  return keys;
}

}  // namespace tg
