// Error-handling conventions shared by every layer.
//
// Every fallible function returns absl::Status or absl::StatusOr<T>; these
// macros keep the propagation terse. TG_CHECK is for invariants a user cannot
// trigger (a violated one is a bug in tensorgraph) and aborts with a message.
#ifndef TG_CORE_STATUS_H_
#define TG_CORE_STATUS_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

#define TG_CONCAT_INNER(a, b) a##b
#define TG_CONCAT(a, b) TG_CONCAT_INNER(a, b)

#define TG_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status tg_status_ = (expr);      \
    if (!tg_status_.ok()) return tg_status_; \
  } while (0)

#define TG_ASSIGN_OR_RETURN(lhs, expr) \
  TG_ASSIGN_OR_RETURN_IMPL(TG_CONCAT(tg_statusor_, __LINE__), lhs, expr)

#define TG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

// The one way for a kernel, a shape function or a reader to refuse input:
// when `cond` is false, returns an absl::Status with code k<code> and the
// StrCat of the remaining arguments as its message.
//
//   TG_REQUIRE(a.shape().rank() == 2, InvalidArgument,
//              "a must be a matrix, got shape ", a.shape().DebugString());
//
// Everything a graph file or a feed can set (shapes, indices, axes, sizes,
// attrs) goes through a TG_REQUIRE or a checked helper
// (core/kernel_checks.h) before it indexes memory or sizes an allocation.
#define TG_REQUIRE(cond, code, ...)                       \
  do {                                                    \
    if (ABSL_PREDICT_FALSE(!(cond))) {                    \
      return ::absl::Status(::absl::StatusCode::k##code,  \
                            ::absl::StrCat(__VA_ARGS__)); \
    }                                                     \
  } while (0)

#define TG_CHECK(cond)                                                     \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: internal check failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                       \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

namespace tg {

// Returns `status` with `prefix` put in front of its message (same code).
// Used to add the "[Op] node 'name': " context as errors travel up.
absl::Status AnnotateStatus(const absl::Status& status,
                            absl::string_view prefix);

// The last message Protocol Buffers logged on this thread (cleared by the
// call), or "". tensorgraph installs a log handler at start-up so that the
// library never prints to stderr itself.
std::string TakeProtobufLog();

// An untrusted string (a node or op name, a tag, a path from a file) made
// safe to put in a one-line message: bytes outside printable ASCII and the
// backslash are written as \xNN escapes, and text past `max_chars` is cut,
// ending in "...(N bytes)". Printable names come back unchanged.
std::string SafeText(absl::string_view text, size_t max_chars = 120);

// A whole message made one clean line: control characters (newlines
// included) and bytes that are not printable ASCII are escaped as in
// SafeText, without shortening. The last line of defence before a message
// reaches a terminal.
std::string OneLine(absl::string_view message);

}  // namespace tg

#endif  // TG_CORE_STATUS_H_
