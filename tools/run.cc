// tg run and tg grad: load a graph file, prune it to what the request needs,
// and run it in a session.
#include <algorithm>
#include <cctype>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/allocator.h"
#include "core/checked_math.h"
#include "core/file_io.h"
#include "core/npy.h"
#include "graph/gradients.h"
#include "graph/graph_def_io.h"
#include "graph/graph_file.h"
#include "graph/scope.h"
#include "runtime/saver.h"
#include "runtime/session.h"
#include "tools/commands.h"
#include "tools/signature.h"

namespace tg {
namespace tool {
namespace {

struct Feeds {
  std::vector<std::string> names;
  std::vector<std::pair<std::string, Tensor>> values;
};

// "name" -> "name:0"; checks the syntax.
absl::StatusOr<std::string> TensorName(const std::string& name) {
  TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(name));
  if (id.index < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", name, "' names a control input, not a tensor"));
  }
  return absl::StrCat(id.node, ":", id.index);
}

absl::StatusOr<Feeds> ReadFeeds(const Args& args) {
  Feeds feeds;
  for (const std::string& f : args.GetAll("feed")) {
    const size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == f.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--feed needs NAME=FILE.npy, got '", f, "'"));
    }
    TG_ASSIGN_OR_RETURN(std::string name, TensorName(f.substr(0, eq)));
    TG_ASSIGN_OR_RETURN(Tensor t, ReadNpyFile(f.substr(eq + 1)));
    feeds.names.push_back(name);
    feeds.values.emplace_back(name, std::move(t));
  }
  return feeds;
}

bool IsVariableOp(const std::string& op) {
  return op == "VariableV2" || op == "Variable";
}

// --device: where nodes go that name no device. gpu: the GPU for every node
// it has a kernel for, the CPU for the rest (a machine without a GPU falls
// back to the CPU with one note); cpu: the CPU alone.
absl::Status ApplyDevice(const std::string& device, SessionOptions* options) {
  if (device.empty()) return absl::OkStatus();
  if (device == "cpu") {
    options->visible_devices = {"CPU"};
  } else if (device == "gpu") {
    options->placement.default_device = "/device:GPU:0";
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown --device '", device, "' (cpu or gpu)"));
  }
  return absl::OkStatus();
}

std::string Sanitize(const std::string& name) {
  std::string s = name;
  for (char& c : s) {
    if (c == '/' || c == ':') c = '_';
  }
  return s;
}

// One line: "name: float32[2,3] [1, 2, 3, ...]".
void PrintTensor(const std::string& name, const Tensor& t, std::ostream& out) {
  out << name << ": " << t.DebugString(8) << "\n";
}

absl::Status WriteOutput(const std::string& out_dir, const std::string& file,
                         const Tensor& t, std::ostream& out) {
  if (out_dir.empty()) return absl::OkStatus();
  if (t.dtype() == DT_STRING) {
    out << "  (string tensor: not written as .npy)\n";
    return absl::OkStatus();
  }
  TG_RETURN_IF_ERROR(CreateDirectories(out_dir));
  const std::string path = absl::StrCat(out_dir, "/", file, ".npy");
  TG_RETURN_IF_ERROR(WriteNpyFile(t, path));
  out << "  -> " << path << "\n";
  return absl::OkStatus();
}

// "8G", "512M", "64K" or a plain number of bytes.
absl::StatusOr<int64_t> ParseByteSize(const std::string& text) {
  int64_t scale = 1;
  std::string digits = text;
  if (!digits.empty()) {
    switch (std::toupper(static_cast<unsigned char>(digits.back()))) {
      case 'K':
        scale = int64_t{1} << 10;
        break;
      case 'M':
        scale = int64_t{1} << 20;
        break;
      case 'G':
        scale = int64_t{1} << 30;
        break;
      case 'T':
        scale = int64_t{1} << 40;
        break;
      default:
        break;
    }
    if (scale > 1) digits.pop_back();
  }
  int64_t n = 0, bytes = 0;
  const bool ok =
      absl::SimpleAtoi(digits, &n) && n > 0 && CheckedMul(n, scale, &bytes);
  TG_REQUIRE(ok, InvalidArgument, "--memory_limit=", SafeText(text),
             " is not a size like 8G, 512M or 1000000");
  return bytes;
}

// --memory_limit (bytes the run may hold; also bounds what file readers
// hold) and --check_numerics.
absl::StatusOr<SessionOptions> RunOptions(const Args& args) {
  SessionOptions options;
  if (args.Has("memory_limit")) {
    TG_ASSIGN_OR_RETURN(options.memory_limit_bytes,
                        ParseByteSize(args.Get("memory_limit")));
    SetDefaultMemoryLimitBytes(options.memory_limit_bytes);
  }
  options.check_numerics = args.Has("check_numerics");
  if (args.Has("no_graph_passes")) {
    options.graph_passes = {false, false, false, false};
  }
  options.plan_memory = !args.Has("no_memory_plan");
  options.capture_steps = !args.Has("no_capture");
  TG_ASSIGN_OR_RETURN(
      options.max_loop_iterations,
      args.GetInt("max_loop_iterations", options.max_loop_iterations, 1));
  options.placement.log_device_placement = args.Has("log_device_placement");
  TG_RETURN_IF_ERROR(ApplyDevice(args.Get("device"), &options));
  return options;
}

// What one tg run fetches and how its outputs are named: by the
// signature's keys (--signature/--input/--input_exprs), then --fetch's
// tensor names.
struct Request {
  Feeds feeds;
  std::vector<std::string> fetches, labels, targets;
  InitOp model_init;  // Run after restoring (signature runs of SavedModels).
};

absl::StatusOr<Request> MakeRequest(const Args& args, const GraphFile& file) {
  Request r;
  TG_ASSIGN_OR_RETURN(r.feeds, ReadFeeds(args));
  r.targets = args.GetAll("target");
  if (args.Has("signature") || args.Has("input") || args.Has("input_exprs")) {
    TG_REQUIRE(file.kind != GraphFile::Kind::kGraphDef, InvalidArgument,
               "--signature, --input and --input_exprs need a SavedModel or a "
               "MetaGraphDef; this is a GraphDef");
    const std::string name =
        args.Has("signature") ? args.Get("signature") : "serving_default";
    TG_ASSIGN_OR_RETURN(
        SignatureRun sig,
        ResolveSignature(file.meta_graph, name, args.GetAll("input"),
                         args.Get("input_exprs")));
    for (auto& [tensor, value] : sig.feeds) {
      TG_ASSIGN_OR_RETURN(std::string fed, TensorName(tensor));
      r.feeds.names.push_back(fed);
      r.feeds.values.emplace_back(fed, std::move(value));
    }
    for (size_t i = 0; i < sig.fetches.size(); ++i) {
      TG_ASSIGN_OR_RETURN(std::string fetch, TensorName(sig.fetches[i]));
      r.fetches.push_back(fetch);
      r.labels.push_back(sig.output_keys[i]);
    }
    if (file.kind == GraphFile::Kind::kSavedModel) {
      TG_ASSIGN_OR_RETURN(r.model_init,
                          FindInitOp(file.meta_graph, args.positional[0]));
    }
  }
  for (const std::string& f : args.GetAll("fetch")) {
    TG_ASSIGN_OR_RETURN(std::string name, TensorName(f));
    r.fetches.push_back(name);
    r.labels.push_back(name);
  }
  return r;
}

}  // namespace

absl::Status Run(const Args& args, std::ostream& out) {
  if (args.positional.size() != 1) {
    return absl::InvalidArgumentError(
        "usage: tg run GRAPH [--feed NAME=FILE.npy]... [--fetch NAME[:K]]... "
        "[--target NAME]... (see tg --help)");
  }
  TG_ASSIGN_OR_RETURN(SessionOptions options, RunOptions(args));
  TG_ASSIGN_OR_RETURN(GraphFile file, ReadGraphFile(args.positional[0]));
  TG_ASSIGN_OR_RETURN(Request request, MakeRequest(args, file));
  const Feeds& feeds = request.feeds;
  const std::vector<std::string>& fetches = request.fetches;
  const std::vector<std::string>& targets = request.targets;
  const InitOp& model_init = request.model_init;
  const std::string init = args.Get("init");
  TG_ASSIGN_OR_RETURN(int64_t steps, args.GetInt("steps", 1, 1));
  TG_ASSIGN_OR_RETURN(int64_t log_every, args.GetInt("log_every", 0, 0));
  if (fetches.empty() && targets.empty() && init.empty()) {
    return absl::InvalidArgumentError(
        "nothing to run: give --fetch, --target or --init");
  }
  // Restore: --restore, else a SavedModel's own variables. A graph that
  // carries TensorFlow's saver restores through its restore op.
  const std::string restore =
      args.Has("restore") ? args.Get("restore") : file.variables_prefix;
  const auto& saver_def = file.meta_graph.saver_def();
  const bool graph_restore = !restore.empty() &&
                             !saver_def.restore_op_name().empty() &&
                             !saver_def.filename_tensor_name().empty();
  std::vector<std::string> needed = fetches;
  needed.insert(needed.end(), targets.begin(), targets.end());
  if (!init.empty()) needed.push_back(init);
  if (!model_init.op.empty()) needed.push_back(model_init.op);
  if (graph_restore) needed.push_back(saver_def.restore_op_name());
  if (!restore.empty() || args.Has("save")) {
    for (const NodeDef& n : file.graph_def.node()) {
      if (IsVariableOp(n.op())) needed.push_back(n.name());
    }
  }
  TG_ASSIGN_OR_RETURN(GraphDef pruned,
                      PruneGraphDef(file.graph_def, needed, feeds.names));
  TG_ASSIGN_OR_RETURN(auto session, Session::Create(pruned, options));

  std::vector<Tensor> outputs;
  if (!init.empty()) {
    TG_RETURN_IF_ERROR(AnnotateStatus(session->Run({}, {}, {init}, &outputs),
                                      absl::StrCat("--init ", init, ": ")));
  }
  if (!restore.empty()) {
    // TensorFlow 2's objects name their checkpoint keys; else the graph's
    // own restore op, else the variables' names.
    TG_ASSIGN_OR_RETURN(
        auto object_keys,
        ObjectGraphCheckpointKeys(file.meta_graph.object_graph_def(), restore));
    if (!object_keys.empty()) {
      TG_RETURN_IF_ERROR(
          Saver().RestoreByKeys(session.get(), restore, object_keys));
      out << "restored " << restore << " through the object graph ("
          << object_keys.size() << " variables)\n";
    } else if (graph_restore) {
      Tensor prefix(DT_STRING, TensorShape());
      prefix.flat<std::string>()[0] = restore;
      TG_RETURN_IF_ERROR(AnnotateStatus(
          session->Run({{saver_def.filename_tensor_name(), prefix}}, {},
                       {saver_def.restore_op_name()}, &outputs),
          absl::StrCat("restoring ", restore, ": ")));
    } else {
      TG_RETURN_IF_ERROR(Saver().Restore(session.get(), restore));
    }
    if (object_keys.empty()) out << "restored " << restore << "\n";
  }
  if (!model_init.op.empty()) {
    TG_RETURN_IF_ERROR(AnnotateStatus(
        session->Run(model_init.feeds, {}, {model_init.op}, &outputs),
        absl::StrCat("the model's init op ", model_init.op, ": ")));
  }
  if (!fetches.empty() || !targets.empty()) {
    // One callable for every step: no per-step name work.
    CallableOptions callable{{}, fetches, targets};
    std::vector<Tensor> feed_values;
    for (const auto& [name, value] : feeds.values) {
      callable.feed.push_back(name);
      feed_values.push_back(value);
    }
    TG_ASSIGN_OR_RETURN(CallableHandle handle, session->MakeCallable(callable));
    for (int64_t step = 1; step <= steps; ++step) {
      TG_RETURN_IF_ERROR(AnnotateStatus(
          session->RunCallable(handle, feed_values, &outputs),
          steps > 1 ? absl::StrCat("step ", step, ": ") : std::string()));
      if (log_every > 0 && (step % log_every == 0 || step == steps)) {
        std::vector<std::string> parts;
        for (size_t i = 0; i < fetches.size(); ++i) {
          if (outputs[i].NumElements() == 1 &&
              outputs[i].dtype() != DT_STRING) {
            parts.push_back(
                absl::StrCat(fetches[i], "=", outputs[i].ValuesString(1)));
          }
        }
        out << "step " << step << ": " << absl::StrJoin(parts, " ") << "\n";
      }
    }
  }
  const std::string out_dir = args.Get("out_dir");
  for (size_t i = 0; i < fetches.size(); ++i) {
    PrintTensor(request.labels[i], outputs[i], out);
    TG_RETURN_IF_ERROR(
        WriteOutput(out_dir, Sanitize(request.labels[i]), outputs[i], out));
  }
  if (args.Has("save")) {
    TG_ASSIGN_OR_RETURN(std::string path,
                        Saver().Save(session.get(), args.Get("save")));
    out << "saved " << path << "\n";
  }
  return absl::OkStatus();
}

absl::Status Grad(const Args& args, std::ostream& out) {
  if (args.positional.size() != 1 || !args.Has("y") || !args.Has("x")) {
    return absl::InvalidArgumentError(
        "usage: tg grad GRAPH --y NAME[:K] --x NAME[:K][,NAME[:K]...] "
        "[--feed NAME=FILE.npy]... [--out_dir DIR]");
  }
  TG_ASSIGN_OR_RETURN(SessionOptions options, RunOptions(args));
  TG_ASSIGN_OR_RETURN(GraphFile file, ReadGraphFile(args.positional[0]));
  TG_ASSIGN_OR_RETURN(Feeds feeds, ReadFeeds(args));
  TG_ASSIGN_OR_RETURN(std::string y_name, TensorName(args.Get("y")));
  std::vector<std::string> x_names;
  for (const std::string& x : args.GetAll("x")) {
    for (absl::string_view part : absl::StrSplit(x, ',')) {
      TG_ASSIGN_OR_RETURN(std::string name, TensorName(std::string(part)));
      x_names.push_back(name);
    }
  }
  std::vector<std::string> needed = {y_name};
  needed.insert(needed.end(), x_names.begin(), x_names.end());
  TG_ASSIGN_OR_RETURN(GraphDef pruned,
                      PruneGraphDef(file.graph_def, needed, feeds.names));
  Scope root = Scope::NewRootScope();
  TG_RETURN_IF_ERROR(ImportGraphDef(pruned, root.graph()));
  const auto find = [&](const std::string& name) -> absl::StatusOr<Output> {
    TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(name));
    Node* n = root.graph()->FindNode(id.node);
    if (n == nullptr || id.index >= n->num_outputs()) {
      return absl::NotFoundError(
          absl::StrCat("'", name, "' is not a tensor of the graph"));
    }
    return Output(n, id.index);
  };
  TG_ASSIGN_OR_RETURN(Output y, find(y_name));
  std::vector<Output> xs, grads;
  for (const std::string& x : x_names) {
    TG_ASSIGN_OR_RETURN(Output o, find(x));
    xs.push_back(o);
  }
  TG_RETURN_IF_ERROR(AddSymbolicGradients(root, {y}, xs, &grads));
  TG_RETURN_IF_ERROR(root.status());
  std::vector<std::string> fetches;
  for (const Output& g : grads) {
    fetches.push_back(absl::StrCat(g.node()->name(), ":", g.index()));
  }
  TG_ASSIGN_OR_RETURN(auto session,
                      Session::Create(root.graph_as_shared_ptr(), options));
  std::vector<Tensor> outputs;
  TG_RETURN_IF_ERROR(session->Run(feeds.values, fetches, {}, &outputs));
  const std::string out_dir = args.Get("out_dir");
  for (size_t i = 0; i < x_names.size(); ++i) {
    PrintTensor(absl::StrCat("d", y_name, "/d", x_names[i]), outputs[i], out);
    TG_RETURN_IF_ERROR(
        WriteOutput(out_dir, "grad_" + Sanitize(x_names[i]), outputs[i], out));
  }
  return absl::OkStatus();
}

}  // namespace tool
}  // namespace tg
