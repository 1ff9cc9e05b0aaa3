#include "graph/graph.h"

#include <algorithm>
#include <deque>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace tg {

absl::StatusOr<Node*> Graph::AddNode(NodeDef def) {
  const std::string prefix = NodeErrorPrefix(def.op(), def.name());
  if (def.name().empty()) {
    return absl::InvalidArgumentError(prefix + "node has no name");
  }
  if (by_name_.contains(def.name())) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "a node with this name already exists"));
  }
  absl::StatusOr<const OpRegistration*> reg =
      OpRegistry::Global()->Lookup(def.op());
  if (!reg.ok()) return AnnotateStatus(reg.status(), prefix);
  auto node = std::make_unique<Node>();
  def.clear_input();
  absl::Status s = AddDefaultsAndValidateAttrs((*reg)->def, &def);
  if (s.ok()) {
    s = ComputeArgTypes((*reg)->def, def.attr(), &node->input_types_,
                        &node->output_types_);
  }
  if (!s.ok()) return AnnotateStatus(s, prefix);
  node->id_ = static_cast<int>(nodes_.size());
  node->def_ = std::move(def);
  node->reg_ = *reg;
  node->data_inputs_.assign(node->input_types_.size(), nullptr);
  node->output_shapes_.assign(node->output_types_.size(),
                              PartialShape::Unknown());
  Node* raw = node.get();
  by_name_[raw->name()] = raw;
  nodes_.push_back(std::move(node));
  return raw;
}

absl::Status Graph::AddEdge(Node* src, int src_output, Node* dst,
                            int dst_input) {
  const std::string prefix = dst->ErrorPrefix();
  if (src_output < 0 || src_output >= src->num_outputs()) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "input ", dst_input, " refers to output ", src_output, " of '",
        src->name(), "', which has ", src->num_outputs(), " outputs"));
  }
  if (dst_input < 0 || dst_input >= dst->num_inputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "has ", dst->num_inputs(),
                     " data inputs, so input ", dst_input, " does not exist"));
  }
  if (dst->data_inputs_[dst_input] != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "input ", dst_input, " is connected twice"));
  }
  const DataType have = src->output_type(src_output);
  const DataType want = dst->input_type(dst_input);
  if (have != want && !(IsRefType(have) && BaseType(have) == want)) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "input ", dst_input, " expects ", DataTypeName(want), " but '",
        src->name(), ":", src_output, "' is ", DataTypeName(have)));
  }
  edges_.push_back(
      std::make_unique<Edge>(Edge{src, src_output, dst, dst_input}));
  const Edge* e = edges_.back().get();
  dst->data_inputs_[dst_input] = e;
  dst->in_edges_.push_back(e);
  src->out_edges_.push_back(e);
  return absl::OkStatus();
}

absl::Status Graph::ReplaceInput(Node* src, int src_output, Node* dst,
                                 int dst_input) {
  if (dst_input >= 0 && dst_input < dst->num_inputs()) {
    const Edge* old = dst->data_inputs_[dst_input];
    if (old != nullptr) {
      auto drop = [old](std::vector<const Edge*>& v) {
        v.erase(std::remove(v.begin(), v.end(), old), v.end());
      };
      drop(dst->in_edges_);
      drop(old->src->out_edges_);
      dst->data_inputs_[dst_input] = nullptr;
    }
  }
  return AddEdge(src, src_output, dst, dst_input);
}

void Graph::AddControlEdge(Node* src, Node* dst) {
  for (const Edge* e : dst->in_edges_) {
    if (e->IsControl() && e->src == src) return;
  }
  edges_.push_back(std::make_unique<Edge>(
      Edge{src, Edge::kControlSlot, dst, Edge::kControlSlot}));
  const Edge* e = edges_.back().get();
  dst->in_edges_.push_back(e);
  src->out_edges_.push_back(e);
}

absl::Status Graph::RemoveNodes(const std::vector<bool>& dead) {
  auto is_dead = [&](const Node* n) {
    return n->id() < static_cast<int>(dead.size()) && dead[n->id()];
  };
  for (const auto& n : nodes_) {
    if (is_dead(n.get())) continue;
    for (const Edge* e : n->in_edges_) {
      if (is_dead(e->src)) {
        return absl::FailedPreconditionError(
            absl::StrCat(n->ErrorPrefix(), "depends on '", e->src->name(),
                         "', which was to be removed"));
      }
    }
  }
  auto drop = [&](std::vector<const Edge*>& list) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const Edge* e) {
                                return is_dead(e->src) || is_dead(e->dst);
                              }),
               list.end());
  };
  for (const auto& n : nodes_) {
    if (!is_dead(n.get())) drop(n->out_edges_);
  }
  edges_.erase(std::remove_if(edges_.begin(), edges_.end(),
                              [&](const std::unique_ptr<Edge>& e) {
                                return is_dead(e->src) || is_dead(e->dst);
                              }),
               edges_.end());
  std::vector<std::unique_ptr<Node>> kept;
  for (auto& n : nodes_) {
    if (is_dead(n.get())) {
      by_name_.erase(n->name());
    } else {
      n->id_ = static_cast<int>(kept.size());
      kept.push_back(std::move(n));
    }
  }
  nodes_ = std::move(kept);
  return absl::OkStatus();
}

Node* Graph::FindNode(absl::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

absl::Status Graph::CheckInputsConnected() const {
  for (const auto& n : nodes_) {
    for (int i = 0; i < n->num_inputs(); ++i) {
      if (n->data_inputs_[i] == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(n->ErrorPrefix(), "expects ", n->num_inputs(),
                         " data inputs but input ", i, " is not connected"));
      }
    }
  }
  return absl::OkStatus();
}

bool IsControlFlowOp(absl::string_view op) {
  static const auto* const ops = new absl::flat_hash_set<std::string>{
      "Switch",        "RefSwitch",        "Merge",    "RefMerge",
      "Enter",         "RefEnter",         "Exit",     "RefExit",
      "NextIteration", "RefNextIteration", "LoopCond", "ControlTrigger"};
  return ops->contains(op);
}

bool Graph::HasControlFlow() const {
  for (const auto& n : nodes_) {
    if (IsControlFlowOp(n->op())) return true;
  }
  return false;
}

bool IsBackEdge(const Edge& e) {
  const std::string& op = e.src->op();
  return op == "NextIteration" || op == "RefNextIteration";
}

absl::StatusOr<std::vector<int>> Graph::TopologicalOrder() const {
  std::vector<int> pending(nodes_.size());
  std::deque<int> ready;
  for (const auto& n : nodes_) {
    int count = 0;
    for (const Edge* e : n->in_edges_) count += !IsBackEdge(*e);
    pending[n->id()] = count;
    if (count == 0) ready.push_back(n->id());
  }
  std::vector<int> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    const int id = ready.front();
    ready.pop_front();
    order.push_back(id);
    for (const Edge* e : nodes_[id]->out_edges_) {
      if (IsBackEdge(*e)) continue;
      if (--pending[e->dst->id()] == 0) ready.push_back(e->dst->id());
    }
  }
  if (order.size() != nodes_.size()) {
    for (const auto& n : nodes_) {
      if (pending[n->id()] > 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(n->ErrorPrefix(),
                         "is on a cycle that does not pass through a "
                         "NextIteration (a loop's only back edge)"));
      }
    }
  }
  return order;
}

void Graph::AddToCollection(const std::string& key, Node* node) {
  std::vector<Node*>& list = collections_[key];
  if (std::find(list.begin(), list.end(), node) == list.end()) {
    list.push_back(node);
  }
}

const std::vector<Node*>& Graph::GetCollection(const std::string& key) const {
  static const std::vector<Node*>* const kEmpty = new std::vector<Node*>();
  auto it = collections_.find(key);
  return it == collections_.end() ? *kEmpty : it->second;
}

GraphDef Graph::ToGraphDef() const {
  GraphDef out;
  *out.mutable_versions() = versions_;
  if (out.versions().producer() == 0) {
    out.mutable_versions()->set_producer(kGraphDefProducer);
  }
  for (const auto& n : nodes_) {
    NodeDef* def = out.add_node();
    *def = n->def_;
    def->clear_input();
    for (const Edge* e : n->data_inputs_) {
      if (e == nullptr) continue;
      def->add_input(e->src_output == 0
                         ? e->src->name()
                         : absl::StrCat(e->src->name(), ":", e->src_output));
    }
    for (const Edge* e : n->in_edges_) {
      if (e->IsControl()) def->add_input(absl::StrCat("^", e->src->name()));
    }
  }
  return out;
}

}  // namespace tg
