#include "tests/tools/tg_runner.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "core/file_io.h"
#include "gtest/gtest.h"

namespace tg {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

Result Tg(const std::vector<std::string>& args, const std::string& cwd) {
  const std::string dir = ::testing::TempDir();
  std::string cmd = "tools/tg";
  if (!cwd.empty()) {
    char here[4096];
    if (getcwd(here, sizeof(here)) == nullptr) return Result();
    cmd = "cd " + Quote(cwd) + " && " + Quote(std::string(here) + "/tools/tg");
  }
  for (const std::string& a : args) cmd += " " + Quote(a);
  cmd += " > " + dir + "/out 2> " + dir + "/err";
  Result r;
  const int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFileToString(dir + "/out").value_or("");
  r.err = ReadFileToString(dir + "/err").value_or("");
  return r;
}

}  // namespace tg
