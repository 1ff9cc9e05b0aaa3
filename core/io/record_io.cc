#include "core/io/record_io.h"

#include "absl/strings/str_cat.h"
#include "core/file_io.h"
#include "core/io/coding.h"
#include "core/io/crc32c.h"
#include "core/status.h"

namespace tg {

std::string FrameRecord(absl::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  coding::PutFixed64(&out, data.size());
  coding::PutFixed32(&out, crc32c::Mask(crc32c::Value(out)));
  out.append(data.data(), data.size());
  coding::PutFixed32(&out, crc32c::Mask(crc32c::Value(data)));
  return out;
}

absl::StatusOr<RecordReader> RecordReader::FromFile(const std::string& path) {
  TG_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path));
  return RecordReader(std::move(contents), path);
}

absl::StatusOr<std::string> RecordReader::Next() {
  const uint64_t left = contents_.size() - offset_;
  if (left == 0) return absl::OutOfRangeError("end of records");
  const auto where = [&] {
    return absl::StrCat("'", name_, "': record at offset ", offset_);
  };
  if (left < 12) {
    return absl::DataLossError(
        absl::StrCat(where(), " is truncated (", left, " bytes of header)"));
  }
  const char* p = contents_.data() + offset_;
  const uint64_t length = coding::DecodeFixed64(p);
  if (!crc32c::CrcMatches(crc32c::Unmask(coding::DecodeFixed32(p + 8)),
                          crc32c::Value(absl::string_view(p, 8)))) {
    return absl::DataLossError(
        absl::StrCat(where(), ": corrupted length (CRC mismatch)"));
  }
  if (length > left - 12 || left - 12 - length < 4) {
    return absl::DataLossError(absl::StrCat(where(), " is truncated: ", length,
                                            " bytes of data announced, ",
                                            left - 12, " left in the file"));
  }
  absl::string_view data(p + 12, length);
  if (!crc32c::CrcMatches(
          crc32c::Unmask(coding::DecodeFixed32(p + 12 + length)),
          crc32c::Value(data))) {
    return absl::DataLossError(
        absl::StrCat(where(), ": corrupted data (CRC mismatch)"));
  }
  offset_ += 16 + length;
  return std::string(data);
}

}  // namespace tg
