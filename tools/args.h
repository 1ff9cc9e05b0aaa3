// Command-line arguments of `tg`: positional words and `--flag=value` or
// `--flag value` options, which may repeat.
#ifndef TG_TOOLS_ARGS_H_
#define TG_TOOLS_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tg {
namespace tool {

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  // The last value of `flag`, or `fallback`.
  std::string Get(const std::string& flag,
                  const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& flag) const;
  // An integer flag; InvalidArgument naming it when not a number >= min.
  absl::StatusOr<int64_t> GetInt(const std::string& flag, int64_t fallback,
                                 int64_t min) const;
};

// Parses argv[first..]. `known` lists the accepted flags (without "--");
// `boolean` those that take no value. Unknown flags are an error naming them.
absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first,
                               const std::set<std::string>& known,
                               const std::set<std::string>& boolean = {});

}  // namespace tool
}  // namespace tg

#endif  // TG_TOOLS_ARGS_H_
