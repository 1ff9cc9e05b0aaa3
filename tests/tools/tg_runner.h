// Runs the `tg` binary (a data dependency of the test) as a user would,
// capturing its exit status and output.
#ifndef TG_TESTS_TOOLS_TG_RUNNER_H_
#define TG_TESTS_TOOLS_TG_RUNNER_H_

#include <string>
#include <vector>

namespace tg {

struct Result {
  int code = -1;  // The exit status; -1 when it did not exit normally.
  std::string out, err;
};

// Runs tools/tg with `args` (each quoted for the shell), from `cwd` when
// one is given.
Result Tg(const std::vector<std::string>& args, const std::string& cwd = "");

}  // namespace tg

#endif  // TG_TESTS_TOOLS_TG_RUNNER_H_
