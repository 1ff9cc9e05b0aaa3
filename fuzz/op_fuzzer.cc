// The structure-aware op fuzzer: the bytes choose one registered op and
// build a small graph around one node of it (fuzz/fuzz_graph.h), which is
// imported and run through a session with a 256 MiB memory limit. Any
// outcome but a crash, a hang or a sanitizer report is fine; each run is
// counted per op, and with TG_OP_FUZZER_STATS=PREFIX set the counts
// (tries, graphs that imported, runs that reached the kernel, runs that
// succeeded) are written to PREFIX.<pid> every 65536 runs and at exit
// (scripts/fuzz.sh adds them up).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "core/status.h"
#include "fuzz/fuzz_graph.h"
#include "fuzz/fuzz_input.h"
#include "runtime/session.h"

namespace {

struct OpCounts {
  int64_t tries = 0, imported = 0, executed = 0, succeeded = 0;
};

std::map<std::string, OpCounts>& Counts() {
  static auto* const counts = new std::map<std::string, OpCounts>();
  return *counts;
}

void WriteCounts() {
  const char* path = std::getenv("TG_OP_FUZZER_STATS");
  if (path == nullptr) return;
  // One file per process: libFuzzer's -fork mode runs many.
  const std::string file = std::string(path) + "." + std::to_string(getpid());
  FILE* f = std::fopen(file.c_str(), "w");
  if (f == nullptr) return;
  std::fprintf(f, "op tries imported executed succeeded\n");
  for (const auto& [op, c] : Counts()) {
    std::fprintf(f, "%s %lld %lld %lld %lld\n", op.c_str(),
                 static_cast<long long>(c.tries),
                 static_cast<long long>(c.imported),
                 static_cast<long long>(c.executed),
                 static_cast<long long>(c.succeeded));
  }
  std::fclose(f);
}

// The registered ops. The first call also moves the process into its
// scratch directory: file ops (SaveV2, MergeV2Checkpoints) write where the
// graph says, and a default string ("" broadcast over a shape) is a path
// relative to the working directory. Give libFuzzer absolute paths.
const std::vector<std::string>& Ops() {
  static const auto* const ops = [] {
    auto* v = new std::vector<std::string>(tg::OpRegistry::Global()->ListOps());
    for (const std::string& op : *v) Counts()[op];
    if (chdir(tg::fuzz::ScratchDir().c_str()) != 0) {
      std::fprintf(stderr, "op_fuzzer: cannot enter %s\n",
                   tg::fuzz::ScratchDir().c_str());
      std::abort();
    }
    std::atexit(WriteCounts);
    return v;
  }();
  return *ops;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tg::fuzz::UseFuzzMemoryLimit();
  static int64_t runs = 0;
  if (++runs % 4096 == 0) tg::fuzz::EmptyScratchDir();  // What SaveV2 left.
  // Written now and then too, not only at exit: libFuzzer ends some runs
  // (a crash, SIGUSR1) without running exit handlers.
  if (runs % 65536 == 0) WriteCounts();
  tg::fuzz::FuzzInput in(data, size);
  const std::string& op = in.Pick(Ops());
  OpCounts& counts = Counts()[op];
  ++counts.tries;
  tg::fuzz::FuzzGraph g =
      tg::fuzz::BuildFuzzGraph(in, *tg::OpRegistry::Global()->Find(op));
  tg::SessionOptions options;
  options.intra_op_threads = 1;
  options.memory_limit_bytes = int64_t{256} << 20;
  options.check_numerics = in.Byte() > 240;
  auto session = tg::Session::Create(g.def, options);
  if (!session.ok()) return 0;
  ++counts.imported;
  if (!g.init_targets.empty()) {
    (*session)->Run({}, {}, g.init_targets, nullptr).IgnoreError();
  }
  std::vector<tg::Tensor> out;
  absl::Status s = (*session)->Run(g.feeds, g.fetches, {g.node}, &out);
  // Errors before the kernel (a feed of the wrong dtype, a missing kernel,
  // a name that is no node) do not name the node under test, or are
  // NotFound; the others, or success, mean its kernel ran (a variable's
  // error names it as "variable 'node'").
  const bool kernel_error =
      s.code() != absl::StatusCode::kNotFound &&
      absl::StrContains(s.message(), "'" + tg::SafeText(g.node) + "'");
  if (s.ok() || kernel_error) {
    ++counts.executed;
  }
  static const char* const trace = std::getenv("TG_OP_FUZZER_TRACE");
  if (trace != nullptr && op == trace) {
    std::fprintf(stderr, "%s: %s\n", op.c_str(), s.ToString().c_str());
  }
  if (s.ok()) ++counts.succeeded;
  return 0;
}
