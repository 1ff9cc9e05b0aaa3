#include "tests/testing/testdata.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

namespace tg {
namespace testing {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string TensorFlowTestDataDir() {
  if (const char* env = std::getenv("TG_TESTDATA_DIR"); env && IsDir(env)) {
    return env;
  }
  // Walk up from the current directory and from the source tree.
  std::vector<std::string> starts;
  char buf[4096];
  if (getcwd(buf, sizeof(buf)) != nullptr) starts.push_back(buf);
  if (const char* ws = std::getenv("TG_WORKSPACE"); ws) starts.push_back(ws);
  // The testing library puts the WORKSPACE file in every test's runfiles;
  // its real path leads back to the source tree.
  if (realpath("WORKSPACE", buf) != nullptr) {
    starts.push_back(std::string(buf).substr(0, std::string(buf).rfind('/')));
  }
  for (std::string dir : starts) {
    while (!dir.empty() && dir != "/") {
      const std::string candidate = dir + "/shared/testdata/tensorflow";
      if (IsDir(candidate)) return candidate;
      dir = dir.substr(0, dir.rfind('/'));
    }
  }
  return "";
}

std::string TempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/tgtest.XXXXXX";
  std::vector<char> b(tmpl.begin(), tmpl.end());
  b.push_back(0);
  const char* d = mkdtemp(b.data());
  return d ? std::string(d) : std::string(base ? base : "/tmp");
}

}  // namespace testing
}  // namespace tg
