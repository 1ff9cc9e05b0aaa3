#include "core/status.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/stubs/logging.h"

namespace tg {
namespace {

// Protocol Buffers logs parse and UTF-8 problems to stderr by default. A
// library must not print: the handler keeps the last message of each
// thread instead, for callers that want to add it to an error.
thread_local std::string protobuf_last_log;

void CaptureProtobufLog(google::protobuf::LogLevel level, const char*, int,
                        const std::string& message) {
  if (level == google::protobuf::LOGLEVEL_FATAL) {
    std::fprintf(stderr, "protobuf fatal error: %s\n", message.c_str());
    return;
  }
  protobuf_last_log = message;
}

const bool protobuf_log_captured = [] {
  google::protobuf::SetLogHandler(&CaptureProtobufLog);
  return true;
}();

}  // namespace

std::string TakeProtobufLog() {
  (void)protobuf_log_captured;
  std::string out = std::move(protobuf_last_log);
  protobuf_last_log.clear();
  return out;
}

absl::Status AnnotateStatus(const absl::Status& status,
                            absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

namespace {

bool Printable(unsigned char c) { return c >= 0x20 && c < 0x7f; }

void AppendEscaped(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\x");
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

}  // namespace

std::string SafeText(absl::string_view text, size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars) + 8);
  size_t i = 0;
  for (; i < text.size() && out.size() < max_chars; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (Printable(c) && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      AppendEscaped(c, &out);
    }
  }
  if (i < text.size()) absl::StrAppend(&out, "...(", text.size(), " bytes)");
  return out;
}

std::string OneLine(absl::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (char ch : message) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (Printable(c)) {
      out.push_back(ch);
    } else {
      AppendEscaped(c, &out);
    }
  }
  return out;
}

}  // namespace tg
