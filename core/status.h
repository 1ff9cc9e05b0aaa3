// Error-handling conventions shared by every layer.
//
// Every fallible function returns absl::Status or absl::StatusOr<T>; these
// macros keep the propagation terse. TG_CHECK is for invariants a user cannot
// trigger (a violated one is a bug in tensorgraph) and aborts with a message.
#ifndef TG_CORE_STATUS_H_
#define TG_CORE_STATUS_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

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

}  // namespace tg

#endif  // TG_CORE_STATUS_H_
