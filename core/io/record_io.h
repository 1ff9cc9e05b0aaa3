// TFRecord framing: [u64 length][masked crc32c of the length][data]
// [masked crc32c of the data], little-endian, records back to back. Event
// files are TFRecord files of serialized Event protos.
#ifndef TG_CORE_IO_RECORD_IO_H_
#define TG_CORE_IO_RECORD_IO_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tg {

// The bytes of one framed record.
std::string FrameRecord(absl::string_view data);

// Reads records from an in-memory copy of a file, checking both CRCs of
// every record.
class RecordReader {
 public:
  // `name` only labels errors (usually the path).
  RecordReader(std::string contents, std::string name)
      : contents_(std::move(contents)), name_(std::move(name)) {}
  static absl::StatusOr<RecordReader> FromFile(const std::string& path);

  // The next record, or OutOfRange at the clean end of the file. A file that
  // ends inside a record, or a CRC that does not match, is DataLoss naming
  // the record's offset.
  absl::StatusOr<std::string> Next();
  uint64_t offset() const { return offset_; }

 private:
  std::string contents_;
  std::string name_;
  uint64_t offset_ = 0;
};

}  // namespace tg

#endif  // TG_CORE_IO_RECORD_IO_H_
