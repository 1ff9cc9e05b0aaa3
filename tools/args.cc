#include "tools/args.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tg {
namespace tool {

std::string Args::Get(const std::string& flag,
                      const std::string& fallback) const {
  auto it = flags.find(flag);
  return it == flags.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& flag) const {
  auto it = flags.find(flag);
  return it == flags.end() ? std::vector<std::string>() : it->second;
}

absl::StatusOr<int64_t> Args::GetInt(const std::string& flag, int64_t fallback,
                                     int64_t min) const {
  if (!Has(flag)) return fallback;
  int64_t v = 0;
  if (!absl::SimpleAtoi(Get(flag), &v) || v < min) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " needs an integer >= ", min, ", got '", Get(flag), "'"));
  }
  return v;
}

absl::StatusOr<Args> ParseArgs(int argc, char** argv, int first,
                               const std::set<std::string>& known,
                               const std::set<std::string>& boolean) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      args.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    const size_t eq = name.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (known.count(name) == 0 && boolean.count(name) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown flag --", name, " (accepted: --",
          absl::StrJoin(known, ", --"), boolean.empty() ? "" : ", --",
          absl::StrJoin(boolean, ", --"), ")"));
    }
    if (boolean.count(name) > 0) {
      args.flags[name].push_back(has_value ? value : "true");
      continue;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    args.flags[name].push_back(value);
  }
  return args;
}

}  // namespace tool
}  // namespace tg
