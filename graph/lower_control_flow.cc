#include "graph/lower_control_flow.h"

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/attr_value.h"
#include "core/status.h"
#include "core/types.h"

namespace tg {
namespace {

using ::tensorgraph::FunctionDef;
using ::tensorgraph::GraphDef;
using ::tensorgraph::NodeDef;

bool IsIf(const std::string& op) { return op == "If" || op == "StatelessIf"; }
bool IsCase(const std::string& op) {
  return op == "Case" || op == "StatelessCase";
}
bool IsWhile(const std::string& op) {
  return op == "While" || op == "StatelessWhile";
}

std::string Prefix(const NodeDef& n) {
  return absl::StrCat("[", n.op(), "] node '", SafeText(n.name()), "': ");
}

// Builds the else side of a cond from its switched inputs under its pivot;
// returns the names of its outputs.
using ElseFn = std::function<absl::StatusOr<std::vector<std::string>>(
    const std::vector<std::string>&, const std::string&)>;

// Emits the lowered nodes of one functional node.
class Lowerer {
 public:
  Lowerer(const GraphDef& def, std::vector<NodeDef>* out) : out_(out) {
    for (const FunctionDef& f : def.library().function()) {
      functions_[f.signature().name()] = &f;
    }
  }

  absl::Status Lower(const NodeDef& n) {
    node_ = &n;
    data_.clear();
    control_.clear();
    for (const std::string& in : n.input()) {
      (!in.empty() && in[0] == '^' ? control_ : data_).push_back(in);
    }
    if (IsIf(n.op())) return LowerIf();
    if (IsCase(n.op())) return LowerCase();
    return LowerWhile();
  }

 private:
  NodeDef& Add(const std::string& suffix, const std::string& op,
               std::vector<std::string> inputs) {
    NodeDef& d = out_->emplace_back();
    d.set_name(suffix.empty() ? node_->name()
                              : absl::StrCat(node_->name(), "/", suffix));
    d.set_op(op);
    d.set_device(node_->device());
    for (std::string& in : inputs) d.add_input(std::move(in));
    return d;
  }
  std::string Name(const std::string& suffix, int output = 0) const {
    const std::string base = absl::StrCat(node_->name(), "/", suffix);
    return output == 0 ? base : absl::StrCat(base, ":", output);
  }
  static void SetType(NodeDef& d, const char* attr, int t) {
    d.mutable_attr()->insert({attr, MakeAttr(static_cast<DataType>(t))});
  }
  absl::StatusOr<DataTypeVector> Types(const char* attr) const {
    auto it = node_->attr().find(attr);
    TG_REQUIRE(it != node_->attr().end(), InvalidArgument, Prefix(*node_),
               "has no attr '", attr, "'");
    DataTypeVector types;
    for (int t : it->second.list().type()) {
      types.push_back(static_cast<DataType>(t));
    }
    return types;
  }
  absl::StatusOr<const FunctionDef*> Function(
      const ::tensorgraph::NameAttrList& f) const {
    auto it = functions_.find(f.name());
    TG_REQUIRE(it != functions_.end(), NotFound, Prefix(*node_), "function '",
               SafeText(f.name()), "' is not in the graph's library");
    return it->second;
  }
  // A direct call of `f` named `suffix`, gated on `gate` when not empty.
  absl::StatusOr<NodeDef*> Call(const std::string& suffix,
                                const ::tensorgraph::NameAttrList& f,
                                std::vector<std::string> inputs,
                                const std::string& gate) {
    TG_RETURN_IF_ERROR(Function(f).status());
    NodeDef& call = Add(suffix, f.name(), std::move(inputs));
    if (!gate.empty()) call.add_input(absl::StrCat("^", gate));
    for (const auto& [k, v] : f.attr()) (*call.mutable_attr())[k] = v;
    return &call;
  }
  absl::StatusOr<::tensorgraph::NameAttrList> Func(const char* attr) const {
    auto it = node_->attr().find(attr);
    TG_REQUIRE(it != node_->attr().end() && it->second.has_func(),
               InvalidArgument, Prefix(*node_), "attr '", attr,
               "' is not a function");
    return it->second.func();
  }
  // Outputs of the node's name: an IdentityN of `results`; with no
  // outputs, an Identity of the marker Cond made.
  void Results(const std::vector<std::string>& results,
               const DataTypeVector& types);

  absl::Status LowerIf();
  absl::Status LowerCase();
  absl::Status LowerWhile();
  // Checks the body's outputs against the loop variables (when the
  // signature's dtypes are concrete) and that cond has one output; its
  // dtype, or DT_INVALID when the signature does not fix it.
  absl::StatusOr<DataType> CheckLoopFunctions(
      const DataTypeVector& types, const ::tensorgraph::NameAttrList& cond_f,
      const ::tensorgraph::NameAttrList& body_f) const;
  // One cond level: `pred` (a bool scalar) chooses the call of `then_f` or
  // what `else_fn` builds from the else side's inputs under its pivot (the
  // names of its outputs; with no outputs, one node that finishes when
  // the else side has). Sets `merged` to the outputs' Merges (with no
  // outputs, one int32 marker Merge).
  absl::Status Cond(const std::string& tag, const std::string& pred,
                    const std::vector<std::string>& inputs,
                    const DataTypeVector& tin, const DataTypeVector& tout,
                    const ::tensorgraph::NameAttrList& then_f,
                    size_t then_arity, const ElseFn& else_fn,
                    std::vector<std::string>* merged);

  std::vector<NodeDef>* out_;
  absl::flat_hash_map<std::string, const FunctionDef*> functions_;
  const NodeDef* node_ = nullptr;
  std::vector<std::string> data_, control_;
};

void Lowerer::Results(const std::vector<std::string>& results,
                      const DataTypeVector& types) {
  if (types.empty()) {
    // No outputs: the node's name marks that a branch ran (^name).
    NodeDef& d = Add("", "Identity", {results.front()});
    SetType(d, "T", DT_INT32);
    return;
  }
  NodeDef& d = Add("", "IdentityN", results);
  AttrValue list;
  for (DataType t : types) list.mutable_list()->add_type(t);
  (*d.mutable_attr())["T"] = list;
}

absl::Status Lowerer::Cond(const std::string& tag, const std::string& pred,
                           const std::vector<std::string>& inputs,
                           const DataTypeVector& tin,
                           const DataTypeVector& tout,
                           const ::tensorgraph::NameAttrList& then_f,
                           size_t then_arity, const ElseFn& else_fn,
                           std::vector<std::string>* merged) {
  NodeDef& sp = Add(tag + "switch_pred", "Switch", {pred, pred});
  SetType(sp, "T", DT_BOOL);
  for (const std::string& c : control_) sp.add_input(c);
  NodeDef& pt =
      Add(tag + "pivot_t", "Identity", {Name(tag + "switch_pred", 1)});
  SetType(pt, "T", DT_BOOL);
  NodeDef& pf = Add(tag + "pivot_f", "Identity", {Name(tag + "switch_pred")});
  SetType(pf, "T", DT_BOOL);
  std::vector<std::string> then_in, else_in;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string sw = tag + "switch_" + std::to_string(i);
    NodeDef& s = Add(sw, "Switch", {inputs[i], pred});
    SetType(s, "T", tin[i]);
    for (const std::string& c : control_) s.add_input(c);
    else_in.push_back(Name(sw));
    then_in.push_back(Name(sw, 1));
  }
  then_in.resize(then_arity);
  TG_RETURN_IF_ERROR(
      Call(tag + "then", then_f, then_in, Name(tag + "pivot_t")).status());
  TG_ASSIGN_OR_RETURN(std::vector<std::string> else_out,
                      else_fn(else_in, Name(tag + "pivot_f")));
  if (tout.empty()) {
    // No results: a Merge of two markers says which branch finished.
    for (const char* side : {"then", "else"}) {
      NodeDef& done = Add(tag + side + "_done", "Const", {});
      done.add_input(absl::StrCat("^", side == std::string("then")
                                           ? Name(tag + "then")
                                           : else_out.front()));
      SetType(done, "dtype", DT_INT32);
      Tensor zero = Tensor::Scalar<int32_t>(0);
      (*done.mutable_attr())["value"] = MakeAttr(zero);
    }
    NodeDef& m = Add(tag + "merge", "Merge",
                     {Name(tag + "else_done"), Name(tag + "then_done")});
    SetType(m, "T", DT_INT32);
    (*m.mutable_attr())["N"] = MakeAttr(int64_t{2});
    merged->push_back(Name(tag + "merge"));
    return absl::OkStatus();
  }
  for (size_t j = 0; j < tout.size(); ++j) {
    const std::string m = tag + "merge_" + std::to_string(j);
    NodeDef& d = Add(m, "Merge",
                     {else_out[j], absl::StrCat(Name(tag + "then"), ":", j)});
    SetType(d, "T", tout[j]);
    (*d.mutable_attr())["N"] = MakeAttr(int64_t{2});
    merged->push_back(Name(m));
  }
  return absl::OkStatus();
}

absl::Status Lowerer::LowerIf() {
  TG_REQUIRE(!data_.empty(), InvalidArgument, Prefix(*node_),
             "has no predicate input");
  TG_ASSIGN_OR_RETURN(DataTypeVector tin, Types("Tin"));
  TG_ASSIGN_OR_RETURN(DataTypeVector tout, Types("Tout"));
  TG_ASSIGN_OR_RETURN(auto then_f, Func("then_branch"));
  TG_ASSIGN_OR_RETURN(auto else_f, Func("else_branch"));
  const std::vector<std::string> inputs(data_.begin() + 1, data_.end());
  TG_REQUIRE(inputs.size() == tin.size(), InvalidArgument, Prefix(*node_),
             "has ", inputs.size(), " inputs but Tin lists ", tin.size());
  // The predicate's truth, TensorFlow's rule (a bool scalar as is).
  NodeDef& truth = Add("pred", "ToBool", {data_[0]});
  auto tcond = node_->attr().find("Tcond");
  SetType(truth, "T",
          tcond != node_->attr().end() ? tcond->second.type() : DT_BOOL);
  ElseFn else_fn =
      [&](const std::vector<std::string>& in,
          const std::string& gate) -> absl::StatusOr<std::vector<std::string>> {
    TG_RETURN_IF_ERROR(Call("else", else_f, in, gate).status());
    std::vector<std::string> out;
    for (size_t j = 0; j < tout.size(); ++j) {
      out.push_back(absl::StrCat(Name("else"), ":", j));
    }
    if (tout.empty()) out.push_back(Name("else"));
    return out;
  };
  std::vector<std::string> merged;
  TG_RETURN_IF_ERROR(Cond("", Name("pred"), inputs, tin, tout, then_f,
                          inputs.size(), else_fn, &merged));
  Results(merged, tout);
  return absl::OkStatus();
}

absl::Status Lowerer::LowerCase() {
  TG_REQUIRE(!data_.empty(), InvalidArgument, Prefix(*node_),
             "has no branch_index input");
  TG_ASSIGN_OR_RETURN(DataTypeVector tin, Types("Tin"));
  TG_ASSIGN_OR_RETURN(DataTypeVector tout, Types("Tout"));
  auto attr = node_->attr().find("branches");
  TG_REQUIRE(attr != node_->attr().end() && attr->second.list().func_size() > 0,
             InvalidArgument, Prefix(*node_), "has no branches");
  const auto& branches = attr->second.list().func();
  std::vector<std::string> inputs(data_.begin() + 1, data_.end());
  TG_REQUIRE(inputs.size() == tin.size(), InvalidArgument, Prefix(*node_),
             "has ", inputs.size(), " inputs but Tin lists ", tin.size());
  // Level k: branch k when index == k, else level k + 1; the last branch
  // takes every other index (TensorFlow's rule for one out of range).
  const int n = branches.size();
  std::function<absl::StatusOr<std::vector<std::string>>(
      int, const std::vector<std::string>&, const std::string&,
      const std::string&)>
      level = [&](int k, const std::vector<std::string>& in,
                  const std::string& index, const std::string& gate)
      -> absl::StatusOr<std::vector<std::string>> {
    const std::string tag = absl::StrCat("level_", k, "/");
    if (k == n - 1) {
      TG_RETURN_IF_ERROR(Call(tag + "branch", branches[k], in, gate).status());
      std::vector<std::string> out;
      for (size_t j = 0; j < tout.size(); ++j) {
        out.push_back(absl::StrCat(Name(tag + "branch"), ":", j));
      }
      if (tout.empty()) out.push_back(Name(tag + "branch"));
      return out;
    }
    // k as a constant of the index's frame: it waits for the index's value
    // (through an Identity: waiting on a fed node would run it).
    NodeDef& index_id = Add(tag + "index", "Identity", {index});
    SetType(index_id, "T", DT_INT32);
    NodeDef& kconst =
        Add(tag + "k", "Const", {absl::StrCat("^", Name(tag + "index"))});
    SetType(kconst, "dtype", DT_INT32);
    (*kconst.mutable_attr())["value"] = MakeAttr(Tensor::Scalar<int32_t>(k));
    NodeDef& eq = Add(tag + "is_k", "Equal", {index, Name(tag + "k")});
    SetType(eq, "T", DT_INT32);
    // The index passes to the next level on the else side only.
    std::vector<std::string> with_index = in;
    with_index.push_back(index);
    DataTypeVector types = tin;
    types.push_back(DT_INT32);
    ElseFn next = [&](const std::vector<std::string>& else_in,
                      const std::string& else_gate) {
      const std::vector<std::string> rest(else_in.begin(), else_in.end() - 1);
      return level(k + 1, rest, else_in.back(), else_gate);
    };
    std::vector<std::string> merged;
    TG_RETURN_IF_ERROR(Cond(tag, Name(tag + "is_k"), with_index, types, tout,
                            branches[k], tin.size(), next, &merged));
    return merged;
  };
  TG_ASSIGN_OR_RETURN(std::vector<std::string> merged,
                      level(0, inputs, data_[0], ""));
  Results(merged, tout);
  return absl::OkStatus();
}

// The number of outputs (or inputs) of a function signature when every arg
// has a concrete dtype; -1 when an arg's count or dtype comes from attrs.
int ConcreteArity(const google::protobuf::RepeatedPtrField<
                      ::tensorgraph::OpDef::ArgDef>& args,
                  DataTypeVector* types) {
  for (const auto& a : args) {
    if (a.type() == 0 || !a.number_attr().empty() ||
        !a.type_list_attr().empty()) {
      return -1;
    }
    types->push_back(static_cast<DataType>(a.type()));
  }
  return static_cast<int>(types->size());
}

std::string TypesString(const DataTypeVector& types) {
  std::string s;
  for (DataType t : types) {
    absl::StrAppend(&s, s.empty() ? "" : ", ", DataTypeName(t));
  }
  return "(" + s + ")";
}

absl::StatusOr<DataType> Lowerer::CheckLoopFunctions(
    const DataTypeVector& types, const ::tensorgraph::NameAttrList& cond_f,
    const ::tensorgraph::NameAttrList& body_f) const {
  TG_ASSIGN_OR_RETURN(const FunctionDef* body, Function(body_f));
  TG_ASSIGN_OR_RETURN(const FunctionDef* cond, Function(cond_f));
  DataTypeVector body_out, cond_out;
  if (ConcreteArity(body->signature().output_arg(), &body_out) >= 0) {
    TG_REQUIRE(body_out == types, InvalidArgument, Prefix(*node_), "body '",
               SafeText(body_f.name()), "' returns ", TypesString(body_out),
               " but the loop carries ", TypesString(types),
               "; a While body maps its loop variables to new values of the "
               "same dtypes");
  }
  const int cond_arity =
      ConcreteArity(cond->signature().output_arg(), &cond_out);
  TG_REQUIRE(cond_arity < 0 || cond_arity == 1, InvalidArgument, Prefix(*node_),
             "cond '", SafeText(cond_f.name()), "' returns ", cond_arity,
             " tensors; it must return one");
  return cond_arity < 0 ? DT_INVALID : cond_out[0];
}

absl::Status Lowerer::LowerWhile() {
  TG_ASSIGN_OR_RETURN(DataTypeVector types, Types("T"));
  TG_ASSIGN_OR_RETURN(auto cond_f, Func("cond"));
  TG_ASSIGN_OR_RETURN(auto body_f, Func("body"));
  TG_REQUIRE(!types.empty(), InvalidArgument, Prefix(*node_),
             "has no loop variables");
  TG_REQUIRE(data_.size() == types.size(), InvalidArgument, Prefix(*node_),
             "has ", data_.size(), " inputs but T lists ", types.size());
  TG_ASSIGN_OR_RETURN(const DataType cond_type,
                      CheckLoopFunctions(types, cond_f, body_f));
  auto parallel = node_->attr().find("parallel_iterations");
  const int64_t par =
      parallel != node_->attr().end() && parallel->second.i() > 0
          ? parallel->second.i()
          : 10;
  std::vector<std::string> merges, identities;
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string k = std::to_string(i);
    NodeDef& enter = Add("enter_" + k, "Enter", {data_[i]});
    SetType(enter, "T", types[i]);
    (*enter.mutable_attr())["frame_name"] = MakeAttr(node_->name());
    (*enter.mutable_attr())["parallel_iterations"] = MakeAttr(par);
    for (const std::string& c : control_) enter.add_input(c);
    NodeDef& merge =
        Add("merge_" + k, "Merge", {Name("enter_" + k), Name("next_" + k)});
    SetType(merge, "T", types[i]);
    (*merge.mutable_attr())["N"] = MakeAttr(int64_t{2});
    merges.push_back(Name("merge_" + k));
  }
  // Gated on the loop's first Merge and Identity: the bodies' nodes without
  // inputs then run in the loop's frame, once per iteration.
  TG_RETURN_IF_ERROR(Call("cond", cond_f, merges, merges[0]).status());
  std::string pred = Name("cond");
  // A bool condition must be a scalar (LoopCond says so); another dtype
  // goes by TensorFlow's truth rule.
  if (cond_type != DT_BOOL) {
    NodeDef& truth = Add("cond_truth", "ToBool", {pred});
    SetType(truth, "T", cond_type == DT_INVALID ? DT_BOOL : cond_type);
    pred = Name("cond_truth");
  }
  Add("loop_cond", "LoopCond", {pred});
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string k = std::to_string(i);
    NodeDef& sw = Add("switch_" + k, "Switch", {merges[i], Name("loop_cond")});
    SetType(sw, "T", types[i]);
    NodeDef& id = Add("identity_" + k, "Identity", {Name("switch_" + k, 1)});
    SetType(id, "T", types[i]);
    identities.push_back(Name("identity_" + k));
  }
  TG_RETURN_IF_ERROR(Call("body", body_f, identities, identities[0]).status());
  std::vector<std::string> exits;
  for (size_t i = 0; i < types.size(); ++i) {
    const std::string k = std::to_string(i);
    NodeDef& next =
        Add("next_" + k, "NextIteration", {absl::StrCat(Name("body"), ":", i)});
    SetType(next, "T", types[i]);
    NodeDef& exit = Add("exit_" + k, "Exit", {Name("switch_" + k)});
    SetType(exit, "T", types[i]);
    exits.push_back(Name("exit_" + k));
  }
  Results(exits, types);
  return absl::OkStatus();
}

bool IsFunctional(const std::string& op) {
  return IsIf(op) || IsCase(op) || IsWhile(op);
}

// The library functions `nodes` use: called by op name, or named by a func
// attr (a call's `f`, a branch, a loop's cond or body).
std::vector<std::string> Callees(
    const google::protobuf::RepeatedPtrField<NodeDef>& nodes,
    const absl::flat_hash_map<std::string, const FunctionDef*>& functions) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (functions.contains(name)) out.push_back(name);
  };
  for (const NodeDef& n : nodes) {
    add(n.op());
    for (const auto& [key, value] : n.attr()) {
      if (value.has_func()) add(value.func().name());
      for (const auto& g : value.list().func()) add(g.name());
    }
  }
  return out;
}

// A function that uses itself through functional control flow would lower
// forever: an error naming the chain.
absl::Status CheckNoRecursion(const GraphDef& def) {
  absl::flat_hash_map<std::string, const FunctionDef*> functions;
  for (const FunctionDef& f : def.library().function()) {
    functions[f.signature().name()] = &f;
  }
  absl::flat_hash_map<std::string, int> state;  // 1: on the path, 2: done
  std::vector<std::string> path;
  std::function<absl::Status(const std::string&)> visit =
      [&](const std::string& name) -> absl::Status {
    int& st = state[name];
    if (st == 2) return absl::OkStatus();
    if (st == 1) {
      auto from = std::find(path.begin(), path.end(), name);
      std::string chain;
      for (auto it = from; it != path.end(); ++it) {
        absl::StrAppend(&chain, SafeText(*it), " -> ");
      }
      return absl::InvalidArgumentError(
          absl::StrCat("function '", SafeText(name), "' calls itself (", chain,
                       SafeText(name), ")"));
    }
    TG_REQUIRE(path.size() < 1000, InvalidArgument,
               "functions nested more than 1000 deep");
    st = 1;
    path.push_back(name);
    for (const std::string& callee :
         Callees(functions.at(name)->node_def(), functions)) {
      TG_RETURN_IF_ERROR(visit(callee));
    }
    path.pop_back();
    state[name] = 2;
    return absl::OkStatus();
  };
  // From what the graph uses: a function nothing uses is never lowered.
  for (const std::string& name : Callees(def.node(), functions)) {
    TG_RETURN_IF_ERROR(visit(name));
  }
  return absl::OkStatus();
}

}  // namespace

bool HasFunctionalControlFlow(const GraphDef& def) {
  for (const NodeDef& n : def.node()) {
    if (IsFunctional(n.op())) return true;
  }
  return false;
}

absl::StatusOr<GraphDef> LowerFunctionalControlFlow(const GraphDef& def) {
  TG_RETURN_IF_ERROR(CheckNoRecursion(def));
  GraphDef out;
  *out.mutable_versions() = def.versions();
  *out.mutable_library() = def.library();
  std::vector<NodeDef> nodes;
  Lowerer lowerer(def, &nodes);
  absl::flat_hash_set<std::string> names;
  for (const NodeDef& n : def.node()) names.insert(n.name());
  for (const NodeDef& n : def.node()) {
    if (!IsFunctional(n.op())) {
      nodes.push_back(n);
      continue;
    }
    const size_t first = nodes.size();
    TG_RETURN_IF_ERROR(lowerer.Lower(n));
    for (size_t i = first; i < nodes.size(); ++i) {
      TG_REQUIRE(
          nodes[i].name() == n.name() || !names.contains(nodes[i].name()),
          InvalidArgument, Prefix(n), "lowering it needs the name '",
          SafeText(nodes[i].name()), "', which another node has");
    }
  }
  for (NodeDef& n : nodes) *out.add_node() = std::move(n);
  return out;
}

}  // namespace tg
