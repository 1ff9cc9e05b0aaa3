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
#include <string>

#include "absl/status/statusor.h"
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

 private:
  SaverOptions options_;
};

// The newest checkpoint recorded in `dir`/checkpoint, as a path usable as a
// prefix. NotFound when there is none.
absl::StatusOr<std::string> LatestCheckpoint(const std::string& dir);

}  // namespace tg

#endif  // TG_RUNTIME_SAVER_H_
