// Saving and restoring a session's variables as TensorFlow V2 checkpoints.
//
//   Saver saver;  // keeps the last 5
//   TG_ASSIGN_OR_RETURN(std::string path,
//                       saver.Save(session.get(), "ckpt/model", step));
//   ...
//   TG_ASSIGN_OR_RETURN(std::string latest, LatestCheckpoint("ckpt"));
//   TG_RETURN_IF_ERROR(saver.Restore(session.get(), latest));
//
// Tensors are keyed by variable name (the node's name, or its shared_name),
// as TensorFlow's Saver keys them, so checkpoints move both ways. Each save
// writes a complete bundle under temporary names, renames it into place, and
// only then records it in the directory's `checkpoint` file (rewritten
// atomically) and deletes checkpoints beyond the last `max_to_keep`: a save
// interrupted at any point leaves the previous checkpoint intact and listed.
#ifndef TG_RUNTIME_SAVER_H_
#define TG_RUNTIME_SAVER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "proto/saved_object_graph.pb.h"
#include "runtime/session.h"

namespace tg {

struct SaverOptions {
  // Checkpoints kept in the `checkpoint` file; older ones are deleted.
  // 0 keeps them all.
  int max_to_keep = 5;
};

class Saver {
 public:
  explicit Saver(SaverOptions options = {}) : options_(options) {}

  // Writes every variable of the session's graph to `prefix`, or to
  // `prefix-<global_step>` when global_step >= 0, and returns that path.
  // A variable that was never initialized is an error naming it.
  absl::StatusOr<std::string> Save(Session* session, const std::string& prefix,
                                   int64_t global_step = -1);

  // Sets every variable of the session's graph from the checkpoint. Errors
  // name a variable the checkpoint lacks, or one whose dtype or shape
  // differs from the graph's declaration.
  absl::Status Restore(Session* session, const std::string& prefix);

  // Sets the variables named in `keys` (variable name -> checkpoint key)
  // from those keys of the checkpoint, leaving the others as they are.
  // Errors as Restore, and for a name the graph has no variable of.
  absl::Status RestoreByKeys(Session* session, const std::string& prefix,
                             const std::map<std::string, std::string>& keys);

 private:
  SaverOptions options_;
};

// TensorFlow 2's object-based restore: walks the SavedModel's object graph
// and the checkpoint's (its `_CHECKPOINTABLE_OBJECT_GRAPH` tensor) from
// their roots, pairing children by local name, and returns each saved
// variable's name (its VarHandleOp's shared_name) -> the checkpoint key of
// its value. Empty when either graph is absent (a TensorFlow 1 checkpoint).
// Errors: an object graph that does not parse or names nodes that do not
// exist (DataLoss, naming the checkpoint).
absl::StatusOr<std::map<std::string, std::string>> ObjectGraphCheckpointKeys(
    const ::tensorgraph::SavedObjectGraph& saved, const std::string& prefix);

// The newest checkpoint recorded in `dir`/checkpoint, as a path usable as a
// prefix. NotFound when there is none.
absl::StatusOr<std::string> LatestCheckpoint(const std::string& dir);

}  // namespace tg

#endif  // TG_RUNTIME_SAVER_H_
