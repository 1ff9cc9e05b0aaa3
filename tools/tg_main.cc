// tg: inspect, convert, run, differentiate and draw graph files.
// Errors are one line on stderr and exit status 1; --help exits 0.
#include <cstring>
#include <iostream>

#include "core/status.h"
#include "tools/commands.h"

namespace {

constexpr char kUsage[] = R"(tg: graph files as a workflow

usage:
  tg inspect GRAPH     ops, placeholders, variables, parameter count, unknown
                       ops; signatures and saver of meta graphs. An event
                       file (name containing "tfevents"): records and each
                       scalar tag's last, max and min
  tg convert IN OUT    rewrite a graph file; text when OUT ends in .pbtxt,
                       binary otherwise
  tg run GRAPH [--feed NAME=FILE.npy]... [--fetch NAME[:K]]...
               [--target NAME]... [--init NAME] [--steps N] [--log_every K]
               [--device cpu|gpu] [--log_device_placement]
               [--restore PREFIX] [--save PREFIX]
               [--out_dir DIR] [--memory_limit BYTES] [--check_numerics]
               [--no_graph_passes] [--no_memory_plan] [--no_capture]
               [--max_loop_iterations N]
  tg run SAVEDMODEL [--signature NAME] [--input KEY=FILE.npy]...
               [--input_exprs 'KEY=[[1],[2]];KEY2=3'] [other flags above]
                       run --init once, restore, then run the fetches and
                       targets N times (default 1) with the same feeds;
                       print each fetch of the last step (and write
                       OUT_DIR/<fetch with / and : as _>.npy); log scalar
                       fetches every K steps; save the variables at the end.
                       --memory_limit (8G, 512M, ...; default three quarters
                       of usable memory) bounds what the run may hold: a
                       larger request fails with ResourceExhausted naming
                       the node. --check_numerics fails at the first NaN or
                       Inf, naming the node that made it. --device gpu
                       runs every node the GPU has a kernel for there and
                       the rest on the CPU (without a GPU: all on the CPU,
                       with one note); --log_device_placement prints each
                       node's device. --no_graph_passes runs the graph
                       without constant folding, CSE, fusion and pruning;
                       --no_memory_plan allocates every output afresh;
                       --no_capture launches every kernel in every step
                       (no CUDA Graph replay); --max_loop_iterations
                       bounds each loop (default 1048576). With
                       --signature (default
                       serving_default when --input or --input_exprs is
                       given), inputs and outputs go by the signature's
                       keys, and a SavedModel's init op runs after restore
  tg grad GRAPH --y NAME[:K] --x NAME[:K][,NAME[:K]...] [--feed ...]
                [--out_dir DIR]
                       add the gradients of y with respect to each x, run
                       them, print them (and write OUT_DIR/grad_<x>.npy)
  tg dot GRAPH [--function NAME]
                       Graphviz DOT on stdout, name scopes as clusters;
                       --function draws a library function's body
  tg ops [--device cpu|gpu]
                       every registered op, the devices with a kernel for it
                       and the dtypes each takes (--device: only that
                       device's kernels)

GRAPH is a GraphDef (.pb or .pbtxt; the format is detected from the
contents), a MetaGraphDef (.meta) or a SavedModel directory (its first
MetaGraph; the checkpoint in its variables/ is restored automatically, through
the graph's own restore op when it has one).
)";

}  // namespace

int main(int argc, char** argv) {
  using tg::tool::Args;
  if (argc < 2 || !std::strcmp(argv[1], "--help") ||
      !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    std::cout << kUsage;
    return argc < 2 ? 1 : 0;
  }
  const std::string command = argv[1];
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      std::cout << kUsage;
      return 0;
    }
  }
  absl::StatusOr<Args> args = absl::InvalidArgumentError(
      "unknown command '" + command +
      "' (inspect, convert, run, grad, dot, ops; see tg --help)");
  absl::Status (*fn)(const Args&, std::ostream&) = nullptr;
  if (command == "inspect" || command == "convert") {
    args = tg::tool::ParseArgs(argc, argv, 2, {});
    fn = command == "inspect" ? tg::tool::Inspect : tg::tool::Convert;
  } else if (command == "dot") {
    args = tg::tool::ParseArgs(argc, argv, 2, {"function"});
    fn = tg::tool::Dot;
  } else if (command == "run") {
    args = tg::tool::ParseArgs(
        argc, argv, 2,
        {"feed",
         "fetch",
         "target",
         "init",
         "steps",
         "log_every",
         "device",
         "restore",
         "save",
         "out_dir",
         "memory_limit",
         "check_numerics",
         "log_device_placement",
         "no_graph_passes",
         "no_memory_plan",
         "no_capture",
         "signature",
         "input",
         "input_exprs",
         "max_loop_iterations"},
        {"check_numerics", "log_device_placement", "no_graph_passes",
         "no_memory_plan", "no_capture"});
    fn = tg::tool::Run;
  } else if (command == "ops") {
    args = tg::tool::ParseArgs(argc, argv, 2, {"device"});
    fn = tg::tool::Ops;
  } else if (command == "grad") {
    args = tg::tool::ParseArgs(argc, argv, 2, {"y", "x", "feed", "out_dir"});
    fn = tg::tool::Grad;
  }
  absl::Status status = args.status();
  if (status.ok()) status = fn(*args, std::cout);
  if (!status.ok()) {
    std::cout.flush();
    // One clean line whatever the message holds (file names, node names
    // and values from the file are untrusted).
    std::cerr << "tg " << tg::SafeText(command, 40) << ": "
              << tg::OneLine(status.message()) << "\n";
    return 1;
  }
  return 0;
}
