// TensorBoard event files: a writer for training logs and a reader.
//
//   TG_ASSIGN_OR_RETURN(auto writer, EventFileWriter::Create(logdir));
//   TG_RETURN_IF_ERROR(writer->WriteGraph(graph_def));
//   TG_RETURN_IF_ERROR(writer->WriteScalar(step, "loss", 0.31f));
//
// The first record is `file_version: "brain.Event:2"`; each event is flushed
// when written so TensorBoard, which tails the file, sees it at once.
#ifndef TG_CORE_IO_EVENT_FILE_H_
#define TG_CORE_IO_EVENT_FILE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/file_io.h"
#include "proto/event.pb.h"
#include "proto/graph.pb.h"

namespace tg {

using ::tensorgraph::Event;
using ::tensorgraph::GraphDef;
using ::tensorgraph::Summary;

class EventFileWriter {
 public:
  // Creates `logdir` if needed and a file
  // `events.out.tfevents.<10-digit unix seconds>.<host>.<pid>` in it.
  static absl::StatusOr<std::unique_ptr<EventFileWriter>> Create(
      const std::string& logdir);

  absl::Status WriteEvent(const Event& event);
  // A scalar summary in the `simple_value` form every TensorBoard reads.
  absl::Status WriteScalar(int64_t step, const std::string& tag, float value);
  absl::Status WriteGraph(const GraphDef& graph);
  absl::Status Close() { return file_->Close(); }
  const std::string& path() const { return file_->path(); }

 private:
  explicit EventFileWriter(std::unique_ptr<WritableFile> f)
      : file_(std::move(f)) {}
  std::unique_ptr<WritableFile> file_;
};

// Every event of the file, each CRC checked; errors name the record offset.
absl::StatusOr<std::vector<Event>> ReadEventFile(const std::string& path);

}  // namespace tg

#endif  // TG_CORE_IO_EVENT_FILE_H_
