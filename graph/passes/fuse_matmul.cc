// FuseMatMul: MatMul -> BiasAdd [-> activation] becomes one _FusedMatMul
// (TensorFlow's op, fused_ops = ["BiasAdd"] or ["BiasAdd", activation]).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/attr_value.h"
#include "graph/passes/pass_util.h"

namespace tg {
namespace {

bool IsFusableActivation(const std::string& op) {
  return op == "Relu" || op == "Relu6" || op == "Elu" || op == "LeakyRelu" ||
         op == "Tanh" || op == "Sigmoid";
}

// The one node reading output 0 of `n`, when exactly one node reads it (as
// its input 0) and nothing else depends on `n`.
const Node* SoleConsumer(const Node& n) {
  if (n.out_edges().size() != 1) return nullptr;
  const Edge* e = n.out_edges()[0];
  if (e->IsControl() || e->src_output != 0 || e->dst_input != 0) {
    return nullptr;
  }
  return e->dst;
}

bool OnCpu(const Node& n, const PassContext& context) {
  if (!context.fuse_cpu_pinned_only) return true;
  return absl::StrContains(n.requested_device(), "CPU") ||
         absl::StrContains(n.requested_device(), "cpu");
}

// Inputs, data then control, of the fused node replacing `chain`.
void FusedInputs(const std::vector<const Node*>& chain, NodeDef* fused) {
  const Node& mm = *chain[0];
  for (int k = 0; k < 2; ++k) {
    const Edge* e = mm.input_edge(k);
    fused->add_input(passes::OutputName(e->src->name(), e->src_output));
  }
  const Edge* bias = chain[1]->input_edge(1);
  fused->add_input(passes::OutputName(bias->src->name(), bias->src_output));
  for (const Node* n : chain) {
    for (const Edge* e : n->in_edges()) {
      if (e->IsControl()) fused->add_input(absl::StrCat("^", e->src->name()));
    }
  }
}

// The chain starting at MatMul `mm` to fuse, or empty.
std::vector<const Node*> Chain(const Node& mm, const PassContext& context) {
  if (mm.op() != "MatMul" || !passes::IsPure(mm, context)) return {};
  const DataType t = mm.output_type(0);
  if ((t != DT_FLOAT && t != DT_DOUBLE) || !OnCpu(mm, context)) return {};
  const Node* bias_add = SoleConsumer(mm);
  if (bias_add == nullptr || bias_add->op() != "BiasAdd" ||
      bias_add->requested_device() != mm.requested_device()) {
    return {};
  }
  absl::StatusOr<std::string> format =
      GetAttr<std::string>(bias_add->attrs(), "data_format");
  if (format.ok() && *format != "NHWC") return {};
  std::vector<const Node*> chain = {&mm, bias_add};
  if (!passes::IsPure(*bias_add, context)) return {};
  const Node* act = SoleConsumer(*bias_add);
  if (act != nullptr && IsFusableActivation(act->op()) &&
      act->requested_device() == mm.requested_device() &&
      !context.fed.contains(act->name())) {
    // The activation may be kept (fetched): the fused node takes its name.
    chain.push_back(act);
  }
  return chain;
}

NodeDef FusedNode(const std::vector<const Node*>& chain) {
  const Node& mm = *chain[0];
  const Node& last = *chain.back();
  NodeDef fused;
  fused.set_name(last.name());
  fused.set_op("_FusedMatMul");
  fused.set_device(mm.requested_device());
  FusedInputs(chain, &fused);
  auto& attr = *fused.mutable_attr();
  attr["T"].set_type(mm.output_type(0));
  attr["transpose_a"] = mm.attrs().at("transpose_a");
  attr["transpose_b"] = mm.attrs().at("transpose_b");
  attr["num_args"].set_i(1);
  auto* ops = attr["fused_ops"].mutable_list();
  ops->add_s("BiasAdd");
  if (chain.size() == 3) {
    ops->add_s(last.op());
    absl::StatusOr<float> alpha = GetAttr<float>(last.attrs(), "alpha");
    if (last.op() == "LeakyRelu" && alpha.ok()) {
      attr["leakyrelu_alpha"].set_f(*alpha);
    }
  }
  return fused;
}

}  // namespace

absl::Status FuseMatMul(const PassContext& context, GraphDef* def) {
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Graph> g, passes::Analyse(*def));
  passes::Edits edits;
  for (int id = 0; id < g->num_nodes(); ++id) {
    const std::vector<const Node*> chain = Chain(*g->node(id), context);
    if (chain.empty()) continue;
    // The last node is rewritten in place (same name, so its readers and
    // its fetches are unchanged); the others go.
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      edits.removed.insert(chain[i]->name());
    }
    edits.replaced[chain.back()->name()] = FusedNode(chain);
  }
  if (edits.empty()) return absl::OkStatus();
  return passes::ApplyEdits(context, edits, def);
}

}  // namespace tg
