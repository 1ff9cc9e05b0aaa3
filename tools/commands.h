// The subcommands of `tg` (see the README, "The `tg` command"). Each returns a
// Status; tg_main prints a failure as one line and exits 1.
#ifndef TG_TOOLS_COMMANDS_H_
#define TG_TOOLS_COMMANDS_H_

#include <ostream>

#include "absl/status/status.h"
#include "tools/args.h"

namespace tg {
namespace tool {

// Ops, placeholders, variables, parameter count, unknown ops; for meta
// graphs also signatures and the saver; for SavedModels the checkpoint.
absl::Status Inspect(const Args& args, std::ostream& out);
// IN -> OUT, binary or text by OUT's extension, same kind of file.
absl::Status Convert(const Args& args, std::ostream& out);
// Graphviz DOT on `out`, name scopes as clusters.
absl::Status Dot(const Args& args, std::ostream& out);
// Feeds, init, restore, N steps of fetches and targets, save, outputs.
absl::Status Run(const Args& args, std::ostream& out);
// Symbolic gradients of y with respect to each x, evaluated.
absl::Status Grad(const Args& args, std::ostream& out);
// tg ops [--device cpu|gpu]: the op and kernel registries, one op a line.
absl::Status Ops(const Args& args, std::ostream& out);

}  // namespace tool
}  // namespace tg

#endif  // TG_TOOLS_COMMANDS_H_
