#include "core/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/allocator.h"
#include "core/status.h"

namespace tg {

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string msg =
        absl::StrCat("cannot open '", path, "': ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg)
                         : absl::PermissionDeniedError(msg);
  }
  std::string data;
  char buf[1 << 16];
  size_t n;
  // A file larger than memory (or an endless one, a device) is refused as
  // it grows past the limit, before it is held.
  const size_t max_bytes = static_cast<size_t>(DefaultMemoryLimitBytes());
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    if (data.size() + n > max_bytes) {
      std::fclose(f);
      return absl::ResourceExhaustedError(absl::StrCat(
          "'", SafeText(path), "' is larger than the memory limit of ",
          HumanBytes(static_cast<int64_t>(max_bytes))));
    }
    data.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    return absl::DataLossError(absl::StrCat("error reading '", path, "'"));
  }
  return data;
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  TG_ASSIGN_OR_RETURN(auto writer, AtomicFileWriter::Open(path));
  TG_RETURN_IF_ERROR(writer->Append(contents));
  return writer->Commit();
}

absl::StatusOr<std::unique_ptr<WritableFile>> WritableFile::Open(
    const std::string& path, Mode mode) {
  FILE* f = std::fopen(path.c_str(), mode == Mode::kAppend ? "ab" : "wb");
  if (f == nullptr) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot write '", path, "': ", std::strerror(errno)));
  }
  return std::unique_ptr<WritableFile>(new WritableFile(path, f));
}

WritableFile::~WritableFile() {
  if (f_ != nullptr) std::fclose(f_);
}

absl::Status WritableFile::Error(const char* what) const {
  return absl::DataLossError(
      absl::StrCat("cannot ", what, " '", path_, "': ", std::strerror(errno)));
}

absl::Status WritableFile::Append(absl::string_view data) {
  if (f_ == nullptr) return absl::FailedPreconditionError("file closed");
  if (data.empty()) return absl::OkStatus();  // data() may be null.
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
    return Error("write");
  }
  return absl::OkStatus();
}

absl::Status WritableFile::Flush() {
  if (f_ == nullptr || std::fflush(f_) != 0) return Error("flush");
  return absl::OkStatus();
}

absl::Status WritableFile::Sync() {
  TG_RETURN_IF_ERROR(Flush());
  if (fsync(fileno(f_)) != 0) return Error("sync");
  return absl::OkStatus();
}

absl::Status WritableFile::Close() {
  if (f_ == nullptr) return absl::OkStatus();
  const int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) return Error("close");
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Open(
    const std::string& path) {
  std::unique_ptr<AtomicFileWriter> w(new AtomicFileWriter);
  w->path_ = path;
  w->tmp_ = absl::StrCat(path, ".tmp.", getpid());
  TG_ASSIGN_OR_RETURN(w->file_, WritableFile::Open(w->tmp_));
  return w;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) {
    file_.reset();
    std::remove(tmp_.c_str());
  }
}

absl::Status AtomicFileWriter::Commit() {
  TG_RETURN_IF_ERROR(file_->Sync());
  TG_RETURN_IF_ERROR(file_->Close());
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    return absl::DataLossError(absl::StrCat(
        "cannot rename '", tmp_, "' to '", path_, "': ", std::strerror(errno)));
  }
  committed_ = true;
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFileRange(const std::string& path,
                                          uint64_t offset, uint64_t n) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string msg =
        absl::StrCat("cannot open '", path, "': ", std::strerror(err));
    return err == ENOENT ? absl::NotFoundError(msg)
                         : absl::PermissionDeniedError(msg);
  }
  std::string data(n, '\0');
  const bool ok = fseeko(f, static_cast<off_t>(offset), SEEK_SET) == 0 &&
                  std::fread(data.data(), 1, n, f) == n;
  std::fclose(f);
  if (!ok) {
    return absl::DataLossError(absl::StrCat("'", path,
                                            "' is truncated: cannot read ", n,
                                            " bytes at offset ", offset));
  }
  return data;
}

std::string Dirname(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || (!name.empty() && name.front() == '/')) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

absl::Status CreateDirectories(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();  // The current directory.
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create directory '", SafeText(prefix),
                       "': ", std::strerror(errno)));
    }
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", SafeText(dir), "' exists and is not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace tg
