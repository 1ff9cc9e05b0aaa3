// tg inspect, tg convert, tg dot: commands that read a graph file without
// running it (so they work on graphs with ops unknown here).
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "core/attr_value.h"
#include "core/checked_math.h"
#include "core/io/event_file.h"
#include "core/io/tensor_bundle.h"
#include "core/op_registry.h"
#include "core/shape_inference.h"
#include "graph/graph_file.h"
#include "tools/commands.h"

namespace tg {
namespace tool {
namespace {

absl::StatusOr<GraphFile> OneGraph(const Args& args, const char* usage) {
  if (args.positional.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat("usage: ", usage));
  }
  return ReadGraphFile(args.positional[0]);
}

std::string ShapeString(const NodeDef& n) {
  auto it = n.attr().find("shape");
  if (it == n.attr().end() || !it->second.has_shape()) return "?";
  return PartialShape::FromProto(it->second.shape()).DebugString();
}
std::string DtypeString(const NodeDef& n) {
  for (const char* key : {"dtype", "T"}) {
    auto it = n.attr().find(key);
    if (it != n.attr().end() && it->second.value_case() == AttrValue::kType) {
      return DataTypeName(it->second.type());
    }
  }
  return "?";
}

std::string TensorInfoString(const ::tensorgraph::TensorInfo& t) {
  // An init op's entry names a node, with no dtype.
  if (t.dtype() == DT_INVALID) return t.name();
  return absl::StrCat(t.name(), " ", DataTypeName(t.dtype()),
                      PartialShape::FromProto(t.tensor_shape()).DebugString());
}

// TensorBoard event files (any name containing "tfevents", as TensorBoard
// decides): records, and per scalar tag its count, last and best value.
absl::Status InspectEvents(const std::string& path, std::ostream& out) {
  TG_ASSIGN_OR_RETURN(std::vector<Event> events, ReadEventFile(path));
  struct Tag {
    int count = 0;
    int64_t last_step = 0, max_step = 0, min_step = 0;
    float last = 0, max = 0, min = 0;
  };
  std::map<std::string, Tag> tags;
  std::string version;
  bool has_graph = false;
  for (const Event& e : events) {
    if (e.what_case() == Event::kFileVersion) version = e.file_version();
    has_graph |= e.what_case() == Event::kGraphDef;
    if (!e.has_summary()) continue;
    for (const auto& v : e.summary().value()) {
      if (v.value_case() != ::tensorgraph::Summary::Value::kSimpleValue)
        continue;
      Tag& t = tags[v.tag()];
      const float x = v.simple_value();
      if (t.count == 0 || x > t.max) t.max = x, t.max_step = e.step();
      if (t.count == 0 || x < t.min) t.min = x, t.min_step = e.step();
      t.last = x;
      t.last_step = e.step();
      ++t.count;
    }
  }
  out << path << ": event file, " << events.size() << " records (every CRC "
      << "checked), file_version " << (version.empty() ? "none" : version)
      << (has_graph ? ", with a graph" : "") << "\n";
  for (const auto& [name, t] : tags) {
    out << "  " << name << ": " << t.count << " values, last " << t.last
        << " at step " << t.last_step << ", max " << t.max << " at step "
        << t.max_step << ", min " << t.min << " at step " << t.min_step << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

// One line per library function: its inputs and outputs, body size, and
// the functions it calls. Calls are inlined when the graph is run.
void PrintFunctions(const ::tensorgraph::FunctionDefLibrary& library,
                    std::ostream& out) {
  std::map<std::string, const ::tensorgraph::FunctionDef*> sorted;
  for (const auto& f : library.function()) sorted[f.signature().name()] = &f;
  const auto args = [](const auto& list) {
    std::vector<std::string> parts;
    for (const auto& a : list) {
      parts.push_back(
          absl::StrCat(a.name(), ": ",
                       a.type() != DT_INVALID   ? DataTypeName(a.type())
                       : !a.type_attr().empty() ? a.type_attr()
                                                : a.type_list_attr()));
    }
    return absl::StrJoin(parts, ", ");
  };
  for (const auto& [name, f] : sorted) {
    std::set<std::string> calls;
    for (const NodeDef& n : f->node_def()) {
      if (sorted.count(n.op())) calls.insert(n.op());
      auto attr = n.attr().find("f");
      if (attr != n.attr().end() && attr->second.has_func()) {
        calls.insert(attr->second.func().name());
      }
    }
    out << "function " << name << "(" << args(f->signature().input_arg())
        << ") -> (" << args(f->signature().output_arg()) << "), "
        << f->node_def_size() << " nodes"
        << (calls.empty()
                ? ""
                : absl::StrCat(", calls ", absl::StrJoin(calls, ", ")))
        << "\n";
  }
}

absl::Status Inspect(const Args& args, std::ostream& out) {
  if (args.positional.size() == 1 &&
      args.positional[0].find("tfevents") != std::string::npos) {
    return InspectEvents(args.positional[0], out);
  }
  TG_ASSIGN_OR_RETURN(GraphFile file, OneGraph(args, "tg inspect GRAPH"));
  const GraphDef& g = file.graph_def;
  out << args.positional[0] << ": " << file.Description() << ", "
      << g.node_size() << " nodes, producer "
      << (g.has_versions() ? absl::StrCat(g.versions().producer())
                           : std::string("unknown (no versions)"))
      << "\n";
  std::map<std::string, int> ops;
  std::set<std::string> unknown, functions;
  for (const auto& f : g.library().function()) {
    functions.insert(f.signature().name());
  }
  for (const NodeDef& n : g.node()) {
    ++ops[n.op()];
    if (OpRegistry::Global()->Find(n.op()) == nullptr &&
        functions.count(n.op()) == 0) {
      unknown.insert(n.op());
    }
  }
  std::vector<std::string> op_list;
  for (const auto& [op, count] : ops) {
    op_list.push_back(count > 1 ? absl::StrCat(op, " x", count) : op);
  }
  out << "ops (" << ops.size() << "): " << absl::StrJoin(op_list, ", ") << "\n";
  out << "placeholders:\n";
  for (const NodeDef& n : g.node()) {
    // PlaceholderV2: TensorFlow's name for it before GraphDef version 23.
    const bool plain = n.op() == "Placeholder" || n.op() == "PlaceholderV2";
    if (plain || n.op() == "PlaceholderWithDefault") {
      out << "  " << n.name() << "  " << DtypeString(n) << " " << ShapeString(n)
          << (plain ? "" : " (has default)") << "\n";
    }
  }
  out << "variables:\n";
  int64_t params = 0;
  bool params_known = true;
  for (const NodeDef& n : g.node()) {
    if (n.op() != "VariableV2" && n.op() != "Variable" &&
        n.op() != "VarHandleOp") {
      continue;
    }
    int64_t count = 1;
    auto it = n.attr().find("shape");
    const PartialShape shape =
        it == n.attr().end() ? PartialShape::Unknown()
                             : PartialShape::FromProto(it->second.shape());
    if (shape.IsFullyDefined()) {
      for (int64_t d : shape.dims) count = SaturatingMul(count, d);
      params = SaturatingAdd(params, count);
    } else {
      params_known = false;
    }
    out << "  " << n.name() << "  " << DtypeString(n) << " "
        << shape.DebugString() << "\n";
  }
  out << "parameters: " << params << (params_known ? "" : " (some unknown)")
      << "\n";
  out << "unknown ops: "
      << (unknown.empty() ? "none" : absl::StrJoin(unknown, ", ")) << "\n";
  PrintFunctions(g.library(), out);
  if (file.kind != GraphFile::Kind::kGraphDef) {
    const MetaGraphDef& meta = file.meta_graph;
    out << "tags: " << absl::StrJoin(meta.meta_info_def().tags(), ", ") << "\n";
    std::map<std::string, ::tensorgraph::SignatureDef> sigs(
        meta.signature_def().begin(), meta.signature_def().end());
    for (const auto& [key, sig] : sigs) {
      std::vector<std::string> in, outs;
      for (const auto& [k, t] : sig.inputs()) {
        in.push_back(absl::StrCat(k, "=", TensorInfoString(t)));
      }
      for (const auto& [k, t] : sig.outputs()) {
        outs.push_back(absl::StrCat(k, "=", TensorInfoString(t)));
      }
      std::sort(in.begin(), in.end());
      std::sort(outs.begin(), outs.end());
      out << "signature " << key << ": " << absl::StrJoin(in, ", ") << " -> "
          << absl::StrJoin(outs, ", ") << "\n";
    }
    if (meta.has_saver_def()) {
      out << "saver: restore op " << meta.saver_def().restore_op_name()
          << ", filename tensor " << meta.saver_def().filename_tensor_name()
          << "\n";
    }
  }
  if (!file.variables_prefix.empty()) {
    TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(file.variables_prefix));
    out << "checkpoint " << file.variables_prefix << ": "
        << absl::StrJoin(reader->Names(), ", ") << "\n";
  }
  return absl::OkStatus();
}

absl::Status Convert(const Args& args, std::ostream& out) {
  if (args.positional.size() != 2) {
    return absl::InvalidArgumentError("usage: tg convert IN OUT");
  }
  TG_ASSIGN_OR_RETURN(GraphFile file, ReadGraphFile(args.positional[0]));
  TG_RETURN_IF_ERROR(WriteGraphFile(file, args.positional[1]));
  out << "wrote " << args.positional[1] << "\n";
  return absl::OkStatus();
}

namespace {

std::string Quote(const std::string& s) {
  return absl::StrCat(
      "\"", absl::StrReplaceAll(s, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\"");
}

// Clusters by name scope: "a/b/c" lives in scope "a/b".
struct ScopeTree {
  std::map<std::string, ScopeTree> children;
  std::vector<const NodeDef*> nodes;
};

void EmitScope(const std::string& path, const ScopeTree& tree, int depth,
               std::ostream& out) {
  const std::string indent(2 * depth, ' ');
  for (const auto& [name, child] : tree.children) {
    const std::string full = path.empty() ? name : path + "/" + name;
    out << indent << "subgraph " << Quote("cluster_" + full) << " {\n"
        << indent << "  label=" << Quote(name) << ";\n";
    EmitScope(full, child, depth + 1, out);
    out << indent << "}\n";
  }
  for (const NodeDef* n : tree.nodes) {
    const size_t slash = n->name().rfind('/');
    const std::string leaf =
        slash == std::string::npos ? n->name() : n->name().substr(slash + 1);
    out << indent << Quote(n->name())
        << " [label=" << Quote(leaf + "\n" + n->op())
        << (n->op() == "Placeholder" ? ", shape=ellipse" : "")
        << (n->op() == "VariableV2" || n->op() == "Variable"
                ? ", style=\"rounded,filled\", fillcolor=lightyellow"
                : "")
        << "];\n";
  }
}

}  // namespace

namespace {

// The body of library function `name` as a graph to draw: an `_Arg` node
// per input arg, the body's nodes (inputs "node:arg:i" drawn from "node"),
// a `_Retval` node per output (and `_ControlRet` per control output).
absl::StatusOr<GraphDef> FunctionBody(const GraphDef& graph,
                                      const std::string& name) {
  for (const auto& f : graph.library().function()) {
    if (f.signature().name() != name) continue;
    GraphDef body;
    for (const auto& arg : f.signature().input_arg()) {
      NodeDef* n = body.add_node();
      n->set_name(arg.name());
      n->set_op("_Arg");
    }
    auto source = [](const std::string& ref) {
      const bool control = !ref.empty() && ref[0] == '^';
      const std::string name = ref.substr(control ? 1 : 0);
      return (control ? "^" : "") + name.substr(0, name.find(':'));
    };
    for (const NodeDef& node : f.node_def()) {
      NodeDef* n = body.add_node();
      *n = node;
      n->clear_input();
      for (const std::string& in : node.input()) n->add_input(source(in));
    }
    for (const auto& [out, ref] : f.ret()) {
      NodeDef* n = body.add_node();
      n->set_name("_ret_" + out);
      n->set_op("_Retval");
      n->add_input(source(ref));
    }
    for (const auto& [out, node] : f.control_ret()) {
      NodeDef* n = body.add_node();
      n->set_name("_control_ret_" + out);
      n->set_op("_ControlRet");
      n->add_input("^" + node);
    }
    return body;
  }
  return absl::NotFoundError(
      absl::StrCat("--function: the graph's library has no function '",
                   SafeText(name), "'"));
}

}  // namespace

absl::Status Dot(const Args& args, std::ostream& out) {
  TG_ASSIGN_OR_RETURN(GraphFile file, OneGraph(args, "tg dot GRAPH"));
  if (args.Has("function")) {
    TG_ASSIGN_OR_RETURN(file.graph_def,
                        FunctionBody(file.graph_def, args.Get("function")));
  }
  ScopeTree root;
  std::set<std::string> names;
  for (const NodeDef& n : file.graph_def.node()) names.insert(n.name());
  for (const NodeDef& n : file.graph_def.node()) {
    ScopeTree* t = &root;
    size_t start = 0, slash;
    while ((slash = n.name().find('/', start)) != std::string::npos) {
      t = &t->children[n.name().substr(start, slash - start)];
      start = slash + 1;
    }
    t->nodes.push_back(&n);
  }
  out << "digraph tensorgraph {\n"
      << "  compound=true; rankdir=TB;\n"
      << "  node [shape=box, style=rounded, fontsize=10];\n";
  EmitScope("", root, 1, out);
  for (const NodeDef& n : file.graph_def.node()) {
    for (const std::string& in : n.input()) {
      const bool control = !in.empty() && in[0] == '^';
      std::string src = control ? in.substr(1) : in;
      const size_t colon = src.rfind(':');
      std::string port;
      if (colon != std::string::npos) {
        port = src.substr(colon + 1);
        src = src.substr(0, colon);
      }
      if (names.count(src) == 0) continue;  // Dangling: nothing to draw.
      out << "  " << Quote(src) << " -> " << Quote(n.name());
      if (control) {
        out << " [style=dashed]";
      } else if (!port.empty() && port != "0") {
        out << " [label=" << Quote(":" + port) << "]";
      }
      out << ";\n";
    }
  }
  out << "}\n";
  return absl::OkStatus();
}

}  // namespace tool
}  // namespace tg
