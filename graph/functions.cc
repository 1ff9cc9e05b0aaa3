#include "graph/functions.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/op_registry.h"
#include "core/status.h"

namespace tg {
namespace {

// Nested calls deeper than this are refused even without a cycle: each
// level copies its body, and a hostile library could nest thousands.
constexpr int kMaxCallDepth = 100;
// The most nodes inlining may produce, so a library that fans out (each
// function calling the next twice) cannot exhaust memory.
constexpr int64_t kMaxInlinedNodes = int64_t{1} << 20;
// The most input names inlining may write (whole-list references expand).
constexpr int64_t kMaxInlinedInputs = int64_t{1} << 22;

using FunctionMap = absl::flat_hash_map<std::string, const FunctionDef*>;

bool IsCallOp(const std::string& op) {
  return op == "PartitionedCall" || op == "StatefulPartitionedCall";
}

std::string FunctionPrefix(const FunctionDef& f) {
  return absl::StrCat("function '", SafeText(f.signature().name()), "': ");
}

// The names a body input may use: input args, and body nodes.
struct BodyNames {
  absl::flat_hash_set<std::string> args, nodes;
};

// Checks one input or ret reference of a body: "arg", "node:out[:i]" or
// (controls only) "^node".
absl::Status CheckReference(const std::string& ref, const BodyNames& names,
                            bool control, absl::string_view what) {
  if (control) {
    if (names.nodes.contains(ref) || names.args.contains(ref)) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        what, " has control input '^", SafeText(ref),
        "', which is neither a node nor an input of the function"));
  }
  std::vector<std::string> parts = absl::StrSplit(ref, ':');
  const bool ok = parts.size() == 1
                      ? names.args.contains(parts[0])
                      : parts.size() <= 3 && names.nodes.contains(parts[0]);
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " names '", SafeText(ref),
                   "', which is neither an input of the function nor an "
                   "output of a node of its body"));
}

absl::Status CheckFunction(const FunctionDef& f) {
  const OpDef& sig = f.signature();
  TG_REQUIRE(!sig.name().empty(), InvalidArgument,
             "a function of the library has no name");
  const std::string at = FunctionPrefix(f);
  BodyNames names;
  for (const auto& a : sig.input_arg()) {
    TG_REQUIRE(names.args.insert(a.name()).second, InvalidArgument, at,
               "input '", SafeText(a.name()), "' is declared twice");
  }
  for (const NodeDef& n : f.node_def()) {
    TG_REQUIRE(!n.name().empty(), InvalidArgument, at,
               "a body node has no name");
    TG_REQUIRE(names.nodes.insert(n.name()).second, InvalidArgument, at,
               "body node '", SafeText(n.name()), "' is defined twice");
  }
  for (const NodeDef& n : f.node_def()) {
    const std::string what =
        absl::StrCat(at, "node '", SafeText(n.name()), "'");
    for (const std::string& in : n.input()) {
      const bool control = !in.empty() && in[0] == '^';
      TG_RETURN_IF_ERROR(
          CheckReference(control ? in.substr(1) : in, names, control, what));
    }
  }
  for (const auto& o : sig.output_arg()) {
    auto it = f.ret().find(o.name());
    TG_REQUIRE(it != f.ret().end(), InvalidArgument, at, "output '",
               SafeText(o.name()), "' has no entry in ret");
    TG_RETURN_IF_ERROR(
        CheckReference(it->second, names, false,
                       absl::StrCat(at, "ret '", SafeText(o.name()), "'")));
  }
  for (const auto& [name, node] : f.control_ret()) {
    TG_REQUIRE(names.nodes.contains(node), InvalidArgument, at, "control_ret '",
               SafeText(name), "' names '", SafeText(node),
               "', which is not a node of the body");
  }
  return absl::OkStatus();
}

// Replaces attr placeholders in `v` with the call's bindings.
absl::Status Substitute(const AttrMap& bindings, AttrValue* v) {
  if (!v->placeholder().empty()) {
    auto it = bindings.find(v->placeholder());
    TG_REQUIRE(it != bindings.end(), InvalidArgument, "attr placeholder '",
               SafeText(v->placeholder()), "' is not bound by the call");
    *v = it->second;
    return absl::OkStatus();
  }
  if (v->has_func()) {
    for (auto& [name, inner] : *v->mutable_func()->mutable_attr()) {
      TG_RETURN_IF_ERROR(Substitute(bindings, &inner));
    }
  }
  return absl::OkStatus();
}

class Inliner {
 public:
  explicit Inliner(const FunctionMap& functions) : functions_(functions) {}

  // Appends `n` to the output, inlining it when it is a call.
  absl::Status Emit(NodeDef n, std::vector<std::string>& chain);
  std::vector<NodeDef>& nodes() { return out_; }

 private:
  // The function `n` calls and the attrs that bind its signature; null
  // when `n` is not a call.
  absl::StatusOr<const FunctionDef*> Callee(const NodeDef& n,
                                            AttrMap* bindings) const;
  absl::Status Inline(const NodeDef& call, const FunctionDef& f,
                      const AttrMap& bindings, std::vector<std::string>& chain);
  // Body node `n` (attrs bound) under the call's prefix, its inputs
  // resolved.
  absl::Status EmitBodyNode(
      const NodeDef& n, const std::string& prefix, const std::string& gate_ref,
      const NodeDef& call,
      const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
      const absl::flat_hash_map<std::string, const NodeDef*>& body,
      std::vector<std::string>& chain);
  // The node that takes the call's name: its outputs and side effects.
  absl::Status EmitResult(
      const NodeDef& call, const FunctionDef& f, const std::string& prefix,
      const std::string& gate_ref, const ArgRanges& out_ranges,
      const DataTypeVector& out_types,
      const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
      const absl::flat_hash_map<std::string, const NodeDef*>& body);
  // The body's output ranges per node ("node" -> its output args).
  absl::StatusOr<ArgRanges> OutputRanges(const NodeDef& body_node) const;
  // The tensors `ref` ("arg", "node:out", "node:out:i") stands for.
  absl::Status Resolve(
      const std::string& ref, const std::string& prefix,
      const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
      const absl::flat_hash_map<std::string, const NodeDef*>& body,
      std::vector<std::string>* out) const;
  absl::Status Add(NodeDef n) {
    TG_REQUIRE(static_cast<int64_t>(out_.size()) < kMaxInlinedNodes,
               ResourceExhausted, "inlining the graph's function calls makes ",
               "more than ", kMaxInlinedNodes, " nodes");
    out_.push_back(std::move(n));
    return absl::OkStatus();
  }

  const FunctionMap& functions_;
  std::vector<NodeDef> out_;
  mutable int64_t inputs_ = 0;  // Input names written so far.
};

absl::StatusOr<const FunctionDef*> Inliner::Callee(const NodeDef& n,
                                                   AttrMap* bindings) const {
  if (IsCallOp(n.op())) {
    auto f = n.attr().find("f");
    TG_REQUIRE(f != n.attr().end() && f->second.has_func(), InvalidArgument,
               "has no function attr 'f'");
    auto it = functions_.find(f->second.func().name());
    TG_REQUIRE(it != functions_.end(), NotFound, "calls function '",
               SafeText(f->second.func().name()),
               "', which is not in the graph's library");
    *bindings = f->second.func().attr();
    return it->second;
  }
  auto it = functions_.find(n.op());
  if (it == functions_.end()) return nullptr;
  *bindings = n.attr();
  return it->second;
}

absl::StatusOr<ArgRanges> Inliner::OutputRanges(const NodeDef& n) const {
  AttrMap bindings;
  TG_ASSIGN_OR_RETURN(const FunctionDef* f, Callee(n, &bindings));
  ArgRanges in, out;
  if (f != nullptr && !IsCallOp(n.op())) {
    TG_RETURN_IF_ERROR(ComputeArgRanges(f->signature(), bindings, &in, &out));
    return out;
  }
  const OpRegistration* reg = OpRegistry::Global()->Find(n.op());
  TG_REQUIRE(reg != nullptr, NotFound, "op '", SafeText(n.op()),
             "' is not registered");
  NodeDef copy = n;
  TG_RETURN_IF_ERROR(AddDefaultsAndValidateAttrs(reg->def, &copy));
  TG_RETURN_IF_ERROR(ComputeArgRanges(reg->def, copy.attr(), &in, &out));
  return out;
}

absl::Status Inliner::Resolve(
    const std::string& ref, const std::string& prefix,
    const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
    const absl::flat_hash_map<std::string, const NodeDef*>& body,
    std::vector<std::string>* out) const {
  std::vector<std::string> parts = absl::StrSplit(ref, ':');
  if (parts.size() == 1) {
    auto it = args.find(ref);
    TG_REQUIRE(it != args.end(), InvalidArgument, "'", SafeText(ref),
               "' is not an input of the function");
    out->insert(out->end(), it->second.begin(), it->second.end());
    return absl::OkStatus();
  }
  auto node = body.find(parts[0]);
  TG_REQUIRE(node != body.end() && parts.size() <= 3, InvalidArgument, "'",
             SafeText(ref), "' names no output of the body");
  TG_ASSIGN_OR_RETURN(ArgRanges ranges, OutputRanges(*node->second));
  for (const ArgRange& r : ranges) {
    if (r.name != parts[1]) continue;
    int begin = r.begin, end = r.end;
    if (parts.size() == 3) {
      int i = 0;
      TG_REQUIRE(absl::SimpleAtoi(parts[2], &i) && i >= 0 && i < end - begin,
                 InvalidArgument, "'", SafeText(ref), "': output '",
                 SafeText(parts[1]), "' has ", end - begin, " tensors");
      begin += i;
      end = begin + 1;
    }
    inputs_ += end - begin;
    TG_REQUIRE(inputs_ <= kMaxInlinedInputs, ResourceExhausted,
               "inlining the graph's function calls writes more than ",
               kMaxInlinedInputs, " inputs");
    for (int k = begin; k < end; ++k) {
      out->push_back(absl::StrCat(prefix, parts[0], ":", k));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", SafeText(ref), "': op '", SafeText(node->second->op()),
                   "' has no output '", SafeText(parts[1]), "'"));
}

absl::Status Inliner::Emit(NodeDef n, std::vector<std::string>& chain) {
  AttrMap bindings;
  absl::StatusOr<const FunctionDef*> f = Callee(n, &bindings);
  if (!f.ok()) {
    return AnnotateStatus(f.status(), NodeErrorPrefix(n.op(), n.name()));
  }
  if (*f == nullptr) return Add(std::move(n));
  const std::string& name = (*f)->signature().name();
  if (std::find(chain.begin(), chain.end(), name) != chain.end()) {
    chain.push_back(name);
    return absl::InvalidArgumentError(absl::StrCat(
        NodeErrorPrefix(n.op(), n.name()), "function '", SafeText(name),
        "' calls itself (", SafeText(absl::StrJoin(chain, " -> ")), ")"));
  }
  TG_REQUIRE(static_cast<int>(chain.size()) < kMaxCallDepth, InvalidArgument,
             NodeErrorPrefix(n.op(), n.name()), "calls nest deeper than ",
             kMaxCallDepth, " functions");
  chain.push_back(name);
  absl::Status s = Inline(n, **f, bindings, chain);
  chain.pop_back();
  if (!s.ok()) {
    return AnnotateStatus(s, absl::StrCat(NodeErrorPrefix(n.op(), n.name()),
                                          FunctionPrefix(**f)));
  }
  return absl::OkStatus();
}

std::string DataTypeListString(const DataTypeVector& types) {
  return absl::StrJoin(types, ", ", [](std::string* out, DataType t) {
    out->append(DataTypeName(t));
  });
}

// A PartitionedCall's Tin and Tout must be the signature's dtypes.
absl::Status CheckCallTypes(const NodeDef& call, const DataTypeVector& in,
                            const DataTypeVector& out) {
  for (const auto& [attr, want] :
       {std::pair<const char*, const DataTypeVector*>{"Tin", &in},
        {"Tout", &out}}) {
    auto it = call.attr().find(attr);
    if (it == call.attr().end()) continue;
    DataTypeVector have;
    for (int t : it->second.list().type()) {
      have.push_back(static_cast<DataType>(t));
    }
    DataTypeVector base;
    for (DataType t : *want) base.push_back(BaseType(t));
    TG_REQUIRE(have == base, InvalidArgument, "attr ", attr, " is [",
               DataTypeListString(have), "] but the function's signature has [",
               DataTypeListString(base), "]");
  }
  return absl::OkStatus();
}

// The Identity nodes binding each input arg to the call's inputs; fills
// `args` (arg name -> its tensors).
absl::Status BindArgs(
    const NodeDef& call, const OpDef& sig, const ArgRanges& ranges,
    const DataTypeVector& types, const std::vector<std::string>& data,
    const std::string& gate, std::vector<NodeDef>* out,
    absl::flat_hash_map<std::string, std::vector<std::string>>* args) {
  for (int a = 0; a < static_cast<int>(ranges.size()); ++a) {
    const ArgRange& r = ranges[a];
    const auto& def = sig.input_arg(a);
    const bool list =
        !def.number_attr().empty() || !def.type_list_attr().empty();
    for (int k = r.begin; k < r.end; ++k) {
      NodeDef id;
      id.set_name(absl::StrCat(call.name(), "/_arg_", r.name,
                               list ? absl::StrCat("_", k - r.begin) : ""));
      id.set_op("Identity");
      id.set_device(call.device());
      id.add_input(data[k]);
      id.add_input(gate);
      (*id.mutable_attr())["T"].set_type(BaseType(types[k]));
      (*args)[r.name].push_back(absl::StrCat(id.name(), ":0"));
      out->push_back(std::move(id));
    }
  }
  return absl::OkStatus();
}

absl::Status Inliner::Inline(const NodeDef& call, const FunctionDef& f,
                             const AttrMap& bindings,
                             std::vector<std::string>& chain) {
  const OpDef& sig = f.signature();
  const std::string prefix = absl::StrCat(call.name(), "/");
  DataTypeVector in_types, out_types;
  TG_RETURN_IF_ERROR(ComputeArgTypes(sig, bindings, &in_types, &out_types));
  ArgRanges in_ranges, out_ranges;
  TG_RETURN_IF_ERROR(ComputeArgRanges(sig, bindings, &in_ranges, &out_ranges));
  std::vector<std::string> data, controls;
  for (const std::string& in : call.input()) {
    (!in.empty() && in[0] == '^' ? controls : data).push_back(in);
  }
  TG_REQUIRE(data.size() == in_types.size(), InvalidArgument, "the call has ",
             data.size(), " inputs but the function takes ", in_types.size());
  if (IsCallOp(call.op())) {
    TG_RETURN_IF_ERROR(CheckCallTypes(call, in_types, out_types));
  }
  NodeDef gate;
  gate.set_name(absl::StrCat(prefix, "input_control_node"));
  gate.set_op("NoOp");
  gate.set_device(call.device());
  for (const std::string& c : controls) gate.add_input(c);
  const std::string gate_ref = absl::StrCat("^", gate.name());
  TG_RETURN_IF_ERROR(Add(std::move(gate)));
  absl::flat_hash_map<std::string, std::vector<std::string>> args;
  std::vector<NodeDef> arg_nodes;
  TG_RETURN_IF_ERROR(BindArgs(call, sig, in_ranges, in_types, data, gate_ref,
                              &arg_nodes, &args));
  for (NodeDef& n : arg_nodes) TG_RETURN_IF_ERROR(Add(std::move(n)));
  // The body with the call's attrs bound, under its local names.
  std::vector<NodeDef> bound(f.node_def().begin(), f.node_def().end());
  absl::flat_hash_map<std::string, const NodeDef*> body;
  for (NodeDef& n : bound) {
    for (auto& [name, v] : *n.mutable_attr()) {
      TG_RETURN_IF_ERROR(AnnotateStatus(
          Substitute(bindings, &v),
          absl::StrCat("node '", SafeText(n.name()), "' attr '", name, "': ")));
    }
    body[n.name()] = &n;
  }
  for (const NodeDef& n : bound) {
    TG_RETURN_IF_ERROR(
        EmitBodyNode(n, prefix, gate_ref, call, args, body, chain));
  }
  return EmitResult(call, f, prefix, gate_ref, out_ranges, out_types, args,
                    body);
}

absl::Status Inliner::EmitBodyNode(
    const NodeDef& n, const std::string& prefix, const std::string& gate_ref,
    const NodeDef& call,
    const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
    const absl::flat_hash_map<std::string, const NodeDef*>& body,
    std::vector<std::string>& chain) {
  const std::string at = absl::StrCat("node '", SafeText(n.name()), "': ");
  NodeDef copy = n;
  copy.set_name(absl::StrCat(prefix, n.name()));
  if (copy.device().empty()) copy.set_device(call.device());
  copy.clear_input();
  for (const std::string& in : n.input()) {
    std::vector<std::string> tensors;
    const bool control = !in.empty() && in[0] == '^';
    if (control && body.contains(in.substr(1))) {
      copy.add_input(absl::StrCat("^", prefix, in.substr(1)));
      continue;
    }
    TG_RETURN_IF_ERROR(AnnotateStatus(
        Resolve(control ? in.substr(1) : in, prefix, args, body, &tensors),
        at));
    for (const std::string& t : tensors) {
      copy.add_input(control ? absl::StrCat("^", t.substr(0, t.rfind(':')))
                             : t);
    }
  }
  // Nothing of the body runs before the call could.
  if (n.input_size() == 0 || IsCallOp(n.op()) || functions_.contains(n.op())) {
    copy.add_input(gate_ref);
  }
  return Emit(std::move(copy), chain);
}

absl::Status Inliner::EmitResult(
    const NodeDef& call, const FunctionDef& f, const std::string& prefix,
    const std::string& gate_ref, const ArgRanges& out_ranges,
    const DataTypeVector& out_types,
    const absl::flat_hash_map<std::string, std::vector<std::string>>& args,
    const absl::flat_hash_map<std::string, const NodeDef*>& body) {
  NodeDef result;
  result.set_name(call.name());
  result.set_device(call.device());
  for (const ArgRange& r : out_ranges) {
    const std::string at = absl::StrCat("ret '", SafeText(r.name), "': ");
    auto it = f.ret().find(r.name);
    TG_REQUIRE(it != f.ret().end(), InvalidArgument, at, "missing");
    std::vector<std::string> tensors;
    TG_RETURN_IF_ERROR(
        AnnotateStatus(Resolve(it->second, prefix, args, body, &tensors), at));
    TG_REQUIRE(static_cast<int>(tensors.size()) == r.end - r.begin,
               InvalidArgument, at, "names ", tensors.size(),
               " tensors; the output has ", r.end - r.begin);
    for (const std::string& t : tensors) result.add_input(t);
  }
  if (result.input_size() == 0) {
    result.set_op("NoOp");
    result.add_input(gate_ref);
  } else {
    result.set_op("IdentityN");
    auto* types = (*result.mutable_attr())["T"].mutable_list();
    for (DataType t : out_types) types->add_type(BaseType(t));
  }
  // Whatever uses the call's outputs or waits for it sees its side effects.
  std::vector<std::string> control_rets;
  for (const auto& [name, node] : f.control_ret()) control_rets.push_back(node);
  std::sort(control_rets.begin(), control_rets.end());
  for (const std::string& node : control_rets) {
    result.add_input(absl::StrCat("^", prefix, node));
  }
  return Add(std::move(result));
}

}  // namespace

absl::Status ValidateFunctionLibrary(const FunctionDefLibrary& library) {
  absl::flat_hash_set<std::string> names;
  for (const FunctionDef& f : library.function()) {
    TG_RETURN_IF_ERROR(CheckFunction(f));
    TG_REQUIRE(names.insert(f.signature().name()).second, InvalidArgument,
               FunctionPrefix(f), "defined twice in the library");
  }
  return absl::OkStatus();
}

bool HasFunctionCalls(const GraphDef& def) {
  absl::flat_hash_set<std::string> names;
  for (const FunctionDef& f : def.library().function()) {
    names.insert(f.signature().name());
  }
  for (const NodeDef& n : def.node()) {
    if (IsCallOp(n.op()) || names.contains(n.op())) return true;
  }
  return false;
}

absl::StatusOr<GraphDef> InlineFunctionCalls(const GraphDef& def) {
  TG_RETURN_IF_ERROR(ValidateFunctionLibrary(def.library()));
  FunctionMap functions;
  for (const FunctionDef& f : def.library().function()) {
    functions[f.signature().name()] = &f;
  }
  Inliner inliner(functions);
  std::vector<std::string> chain;
  for (const NodeDef& n : def.node()) {
    TG_RETURN_IF_ERROR(inliner.Emit(n, chain));
  }
  GraphDef out;
  *out.mutable_versions() = def.versions();
  *out.mutable_library() = def.library();
  for (NodeDef& n : inliner.nodes()) *out.add_node() = std::move(n);
  return out;
}

}  // namespace tg
