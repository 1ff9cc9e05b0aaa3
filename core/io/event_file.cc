#include "core/io/event_file.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "core/io/record_io.h"
#include "core/status.h"

namespace tg {

absl::StatusOr<std::unique_ptr<EventFileWriter>> EventFileWriter::Create(
    const std::string& logdir) {
  TG_RETURN_IF_ERROR(CreateDirectories(logdir));
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  const std::string path =
      absl::StrFormat("%s/events.out.tfevents.%010d.%s.%d", logdir,
                      absl::ToUnixSeconds(absl::Now()), host, getpid());
  TG_ASSIGN_OR_RETURN(auto file, WritableFile::Open(path));
  std::unique_ptr<EventFileWriter> writer(new EventFileWriter(std::move(file)));
  Event first;
  first.set_wall_time(static_cast<double>(absl::ToUnixSeconds(absl::Now())));
  first.set_file_version("brain.Event:2");
  first.mutable_source_metadata()->set_writer("tensorgraph");
  TG_RETURN_IF_ERROR(writer->WriteEvent(first));
  return writer;
}

absl::Status EventFileWriter::WriteEvent(const Event& event) {
  TG_RETURN_IF_ERROR(file_->Append(FrameRecord(event.SerializeAsString())));
  return file_->Flush();
}

absl::Status EventFileWriter::WriteScalar(int64_t step, const std::string& tag,
                                          float value) {
  Event e;
  e.set_wall_time(absl::ToUnixMicros(absl::Now()) * 1e-6);
  e.set_step(step);
  Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  return WriteEvent(e);
}

absl::Status EventFileWriter::WriteGraph(const GraphDef& graph) {
  Event e;
  e.set_wall_time(absl::ToUnixMicros(absl::Now()) * 1e-6);
  e.set_graph_def(graph.SerializeAsString());
  return WriteEvent(e);
}

absl::StatusOr<std::vector<Event>> ReadEventFile(const std::string& path) {
  TG_ASSIGN_OR_RETURN(RecordReader reader, RecordReader::FromFile(path));
  std::vector<Event> events;
  while (true) {
    const uint64_t offset = reader.offset();
    absl::StatusOr<std::string> record = reader.Next();
    if (absl::IsOutOfRange(record.status())) break;
    TG_RETURN_IF_ERROR(record.status());
    Event e;
    if (!e.ParseFromString(*record)) {
      return absl::DataLossError(absl::StrCat("'", path, "': record at offset ",
                                              offset, " is not an Event"));
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace tg
