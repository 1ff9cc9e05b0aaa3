// Whole-file reads and crash-safe writes.
#ifndef TG_CORE_FILE_IO_H_
#define TG_CORE_FILE_IO_H_

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

}  // namespace tg

#endif  // TG_CORE_FILE_IO_H_
