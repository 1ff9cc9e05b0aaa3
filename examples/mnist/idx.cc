#include "examples/mnist/idx.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/allocator.h"
#include "core/status.h"

namespace tg {
namespace mnist {
namespace {

// Reads the whole file, inflating it when it is gzip (zlib's gzread passes
// uncompressed files through unchanged). A file that inflates past
// `max_bytes` (a gzip bomb, or simply too big) is ResourceExhausted, found
// before it is held in memory.
absl::StatusOr<std::string> ReadMaybeGzip(const std::string& path,
                                          size_t max_bytes) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    std::string msg =
        absl::StrCat("cannot open '", path, "': ", std::strerror(errno));
    return errno == ENOENT ? absl::NotFoundError(msg)
                           : absl::PermissionDeniedError(msg);
  }
  std::string data;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) {
    if (data.size() + n > max_bytes) {
      gzclose(f);
      return absl::ResourceExhaustedError(absl::StrCat(
          "'", path, "' holds more than ", max_bytes,
          " bytes once inflated, more than the memory limit allows"));
    }
    data.append(buf, n);
  }
  int err = Z_OK;
  const char* msg = gzerror(f, &err);
  const bool failed = n < 0 || (err != Z_OK && err != Z_BUF_ERROR);
  std::string reason = failed ? msg : "";
  gzclose(f);
  if (failed) {
    return absl::DataLossError(
        absl::StrCat("'", path, "' is a corrupt gzip file: ", reason));
  }
  return data;
}

uint32_t BigEndian32(const std::string& s, size_t offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + offset;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
         (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

absl::StatusOr<IdxArray> ReadIdxFile(const std::string& path) {
  TG_ASSIGN_OR_RETURN(
      std::string data,
      ReadMaybeGzip(path, static_cast<size_t>(DefaultMemoryLimitBytes())));
  if (data.size() < 4) {
    return absl::DataLossError(absl::StrCat("'", path, "' is too short (",
                                            data.size(),
                                            " bytes) to be an IDX file"));
  }
  const uint32_t magic = BigEndian32(data, 0);
  const uint32_t rank = magic & 0xff;
  if ((magic >> 8) != 0x08 || rank == 0 || rank > 4) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' is not an unsigned-byte IDX file: magic number 0x",
        absl::Hex(magic, absl::kZeroPad8),
        " (expected 0x00000801 to 0x00000804)"));
  }
  const size_t header = 4 + 4 * rank;
  if (data.size() < header) {
    return absl::DataLossError(
        absl::StrCat("'", path, "' is truncated inside its header"));
  }
  IdxArray out;
  uint64_t count = 1;
  for (uint32_t d = 0; d < rank; ++d) {
    const uint32_t size = BigEndian32(data, 4 + 4 * d);
    out.dims.push_back(size);
    count *= size;
    if (count > (uint64_t{1} << 40)) {
      return absl::DataLossError(
          absl::StrCat("'", path, "' declares an absurd size"));
    }
  }
  if (data.size() - header != count) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' should hold ", count, " bytes of data after its header ",
        "but holds ", data.size() - header, " (truncated or corrupt)"));
  }
  out.data.assign(data.begin() + header, data.end());
  return out;
}

}  // namespace mnist
}  // namespace tg
