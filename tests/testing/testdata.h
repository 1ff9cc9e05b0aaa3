// Locating the shared test data written by TensorFlow.
#ifndef TG_TESTS_TESTING_TESTDATA_H_
#define TG_TESTS_TESTING_TESTDATA_H_

#include <string>

namespace tg {
namespace testing {

// The folder `shared/testdata/tensorflow` beside the repository, or "" when
// it is absent. Found from $TG_TESTDATA_DIR if set, else by walking up from
// the workspace directory of the test run.
std::string TensorFlowTestDataDir();

// Skips the current test with a clear message unless the folder exists;
// evaluates to the path of `relative` inside it.
#define TG_TENSORFLOW_TESTDATA(relative)                            \
  ([&]() -> std::string {                                           \
    const std::string dir = ::tg::testing::TensorFlowTestDataDir(); \
    return dir.empty() ? std::string() : dir + "/" + (relative);    \
  }())
#define TG_SKIP_WITHOUT_TESTDATA()                                       \
  if (::tg::testing::TensorFlowTestDataDir().empty())                    \
  GTEST_SKIP() << "TensorFlow test data not found: expected "            \
                  "../shared/testdata/tensorflow beside the repository " \
                  "(or $TG_TESTDATA_DIR)"

// A fresh directory for the test's files.
std::string TempDir();

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_TESTDATA_H_
