// Whole-file reads and crash-safe writes.
#ifndef TG_CORE_FILE_IO_H_
#define TG_CORE_FILE_IO_H_

#include <cstdio>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tg {

// NotFound when the file does not exist; the message names the path and the
// system's reason.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// Writes to "<path>.tmp.<pid>" then renames over `path`, so a crash leaves
// either the old file or the new one, never a half-written file.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// A file written front to back. Errors name the path and the system's reason.
class WritableFile {
 public:
  enum class Mode { kTruncate, kAppend };
  static absl::StatusOr<std::unique_ptr<WritableFile>> Open(
      const std::string& path, Mode mode = Mode::kTruncate);
  ~WritableFile();  // Closes without reporting errors; call Close() for them.

  absl::Status Append(absl::string_view data);
  // Hands buffered bytes to the system (readers then see them).
  absl::Status Flush();
  // Flush, and wait until the bytes are on the storage device.
  absl::Status Sync();
  absl::Status Close();
  const std::string& path() const { return path_; }

 private:
  WritableFile(std::string path, FILE* f) : path_(std::move(path)), f_(f) {}
  absl::Status Error(const char* what) const;
  std::string path_;
  FILE* f_;
};

// Writes `path` through a temporary file beside it, renamed over `path` by
// Commit() after a Sync. Destroying it uncommitted removes the temporary, so
// `path` holds the old contents or the new ones, never a mix.
class AtomicFileWriter {
 public:
  static absl::StatusOr<std::unique_ptr<AtomicFileWriter>> Open(
      const std::string& path);
  ~AtomicFileWriter();

  absl::Status Append(absl::string_view data) {
    size_ += data.size();
    return file_->Append(data);
  }
  // Bytes appended so far.
  uint64_t size() const { return size_; }
  absl::Status Commit();

 private:
  AtomicFileWriter() = default;
  std::string path_, tmp_;
  std::unique_ptr<WritableFile> file_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

// The directory part of `path` ("a/b" for "a/b/c", "/" for "/c"), or ""
// when it has none.
std::string Dirname(const std::string& path);

// `name` inside `dir`: "dir/name", "name" itself when `dir` is "" (the
// working directory, what Dirname gives for a bare file name) and "/name"
// for the root. An absolute `name` is returned unchanged.
std::string JoinPath(const std::string& dir, const std::string& name);

// Creates `dir` and its missing parents; fails if it exists as a file.
absl::Status CreateDirectories(const std::string& dir);

// Reads `n` bytes at `offset`; DataLoss when the file is shorter.
absl::StatusOr<std::string> ReadFileRange(const std::string& path,
                                          uint64_t offset, uint64_t n);

}  // namespace tg

#endif  // TG_CORE_FILE_IO_H_
