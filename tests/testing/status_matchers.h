// gMock matchers for absl::Status / StatusOr: IsOk(), StatusIs(code, msg).
#ifndef TG_TESTS_TESTING_STATUS_MATCHERS_H_
#define TG_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/statusor.h"
#include "core/status.h"
#include "gmock/gmock.h"

namespace tg {
namespace testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status: " << s;
  return s.ok();
}

// StatusIs(code) or StatusIs(code, message_matcher).
MATCHER_P2(StatusIs, code, message_matcher, "") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status: " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(
             message_matcher, std::string(s.message()), result_listener);
}

// Aborts the test with the status when it is not OK.
#define TG_ASSERT_OK(expr) ASSERT_THAT((expr), ::tg::testing::IsOk())
#define TG_EXPECT_OK(expr) EXPECT_THAT((expr), ::tg::testing::IsOk())
#define TG_ASSERT_OK_AND_ASSIGN(lhs, expr)                  \
  auto TG_CONCAT(tg_test_sor_, __LINE__) = (expr);          \
  TG_ASSERT_OK(TG_CONCAT(tg_test_sor_, __LINE__).status()); \
  lhs = std::move(TG_CONCAT(tg_test_sor_, __LINE__)).value()

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_STATUS_MATCHERS_H_
