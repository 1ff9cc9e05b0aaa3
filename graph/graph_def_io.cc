#include "graph/graph_def_io.h"

#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/file_io.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"
#include "graph/functions.h"
#include "graph/lower_control_flow.h"
#include "graph/shape_refiner.h"

namespace tg {

absl::StatusOr<TensorId> ParseTensorName(absl::string_view name) {
  TensorId id;
  absl::string_view rest = name;
  if (absl::ConsumePrefix(&rest, "^")) {
    id.index = -1;
  } else {
    const size_t colon = rest.rfind(':');
    if (colon != absl::string_view::npos) {
      if (!absl::SimpleAtoi(rest.substr(colon + 1), &id.index) ||
          id.index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("malformed tensor name '", name, "'"));
      }
      rest = rest.substr(0, colon);
    }
  }
  if (rest.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed tensor name '", name, "'"));
  }
  id.node = std::string(rest);
  return id;
}

namespace {

// Producers before 22 wrote an unknown Placeholder shape as `shape {}`.
constexpr int kFirstProducerWithScalarPlaceholderShape = 22;

void ApplyVersionRules(int producer, NodeDef* node) {
  if (producer >= kFirstProducerWithScalarPlaceholderShape) return;
  if (node->op() != "Placeholder" && node->op() != "PlaceholderV2") return;
  auto it = node->mutable_attr()->find("shape");
  if (it == node->mutable_attr()->end()) return;
  auto* shape = it->second.mutable_shape();
  if (!shape->unknown_rank() && shape->dim_size() == 0) {
    shape->set_unknown_rank(true);
  }
}

absl::Status ConnectInputs(const NodeDef& def, Node* node, Graph* graph) {
  const std::string prefix = node->ErrorPrefix();
  int data_inputs = 0;
  bool seen_control = false;
  for (const std::string& input : def.input()) {
    absl::StatusOr<TensorId> id = ParseTensorName(input);
    if (!id.ok()) return AnnotateStatus(id.status(), prefix);
    if (id->index >= 0 && seen_control) {
      return absl::InvalidArgumentError(absl::StrCat(
          prefix, "data input '", input, "' comes after a control input"));
    }
    Node* src = graph->FindNode(id->node);
    if (src == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, "input '", input, "' refers to node '", id->node,
                       "', which is not in the graph"));
    }
    if (id->index < 0) {
      seen_control = true;
      graph->AddControlEdge(src, node);
      continue;
    }
    if (data_inputs >= node->num_inputs()) {
      ++data_inputs;
      continue;  // Counted and reported below.
    }
    TG_RETURN_IF_ERROR(graph->AddEdge(src, id->index, node, data_inputs++));
  }
  if (data_inputs != node->num_inputs()) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "expects ", node->num_inputs(), " data inputs (",
                     DataTypeVectorString(node->input_types()),
                     ") but the GraphDef lists ", data_inputs));
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

absl::Status ImportFlatGraphDef(const GraphDef& def, Graph* graph) {
  const int producer = def.versions().producer();
  *graph->mutable_versions() = def.versions();
  std::vector<Node*> nodes;
  nodes.reserve(def.node_size());
  for (const NodeDef& node_def : def.node()) {
    NodeDef copy = node_def;
    // Deprecated from GraphDef version 23; older files still use it.
    if (copy.op() == "PlaceholderV2") copy.set_op("Placeholder");
    ApplyVersionRules(producer, &copy);
    TG_ASSIGN_OR_RETURN(Node * node, graph->AddNode(std::move(copy)));
    nodes.push_back(node);
  }
  for (int i = 0; i < def.node_size(); ++i) {
    TG_RETURN_IF_ERROR(ConnectInputs(def.node(i), nodes[i], graph));
  }
  TG_ASSIGN_OR_RETURN(std::vector<int> order, graph->TopologicalOrder());
  for (int id : order) TG_RETURN_IF_ERROR(InferNodeShapes(graph->node(id)));
  return absl::OkStatus();
}

}  // namespace

constexpr int kMaxControlFlowNesting = 100;

absl::Status ImportGraphDef(const GraphDef& def, Graph* graph) {
  if (graph->num_nodes() != 0) {
    return absl::FailedPreconditionError("ImportGraphDef needs an empty graph");
  }
  if (def.library().function_size() > 0 || HasFunctionCalls(def) ||
      HasFunctionalControlFlow(def)) {
    // Lowering makes calls (the branches and loop bodies) and inlining may
    // bring functional control flow out of bodies: alternate until neither
    // is left. Each round goes one level of nesting deeper.
    TG_ASSIGN_OR_RETURN(GraphDef flat, InlineFunctionCalls(def));
    for (int depth = 0; HasFunctionalControlFlow(flat); ++depth) {
      TG_REQUIRE(depth < kMaxControlFlowNesting, InvalidArgument,
                 "control flow nested more than ", kMaxControlFlowNesting,
                 " deep");
      TG_ASSIGN_OR_RETURN(flat, LowerFunctionalControlFlow(flat));
      TG_ASSIGN_OR_RETURN(flat, InlineFunctionCalls(flat));
    }
    return ImportFlatGraphDef(flat, graph);
  }
  return ImportFlatGraphDef(def, graph);
}

namespace {

bool IsTextPath(const std::string& path) {
  return absl::EndsWith(path, ".pbtxt") || absl::EndsWith(path, ".pbtext") ||
         absl::EndsWith(path, ".txt");
}

}  // namespace

absl::Status WriteGraphDefFile(const GraphDef& def, const std::string& path) {
  std::string data;
  if (IsTextPath(path)) {
    if (!google::protobuf::TextFormat::PrintToString(def, &data)) {
      return absl::InternalError("cannot print GraphDef as text");
    }
  } else if (!def.SerializeToString(&data)) {
    return absl::InternalError("cannot serialize GraphDef");
  }
  return WriteFileAtomically(path, data);
}

namespace {

// The dtype of output `index` of `node` when its op is registered and its
// attrs determine it.
absl::StatusOr<DataType> OutputType(const NodeDef& node, int index) {
  const OpRegistration* reg = OpRegistry::Global()->Find(node.op());
  if (reg == nullptr) return absl::NotFoundError(node.op());
  NodeDef copy = node;
  TG_RETURN_IF_ERROR(AddDefaultsAndValidateAttrs(reg->def, &copy));
  DataTypeVector inputs, outputs;
  TG_RETURN_IF_ERROR(ComputeArgTypes(reg->def, copy.attr(), &inputs, &outputs));
  if (index >= static_cast<int>(outputs.size())) {
    return absl::OutOfRangeError(node.name());
  }
  return BaseType(outputs[index]);
}

}  // namespace

absl::StatusOr<GraphDef> PruneGraphDef(const GraphDef& def,
                                       const std::vector<std::string>& targets,
                                       const std::vector<std::string>& feeds) {
  absl::flat_hash_map<std::string, int> index;
  for (int i = 0; i < def.node_size(); ++i) index[def.node(i).name()] = i;
  absl::flat_hash_set<std::string> fed;
  for (const std::string& f : feeds) {
    TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(f));
    fed.insert(absl::StrCat(id.node, ":", id.index));
  }
  std::vector<bool> keep(def.node_size(), false);
  // Nodes referenced only through fed tensors: index of the one fed output,
  // or -2 when several are.
  absl::flat_hash_map<int, int> fed_only;
  std::vector<int> stack;
  for (const std::string& t : targets) {
    TG_ASSIGN_OR_RETURN(TensorId id, ParseTensorName(t));
    auto it = index.find(id.node);
    if (it == index.end()) {
      return absl::NotFoundError(
          absl::StrCat("'", id.node, "' is not a node of the graph"));
    }
    stack.push_back(it->second);
  }
  // Marks what the nodes on `stack` need. With `cut`, a fed input is not
  // followed but recorded in fed_only.
  const auto walk = [&](bool cut) {
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      if (keep[i]) continue;
      keep[i] = true;
      for (const std::string& input : def.node(i).input()) {
        absl::StatusOr<TensorId> id = ParseTensorName(input);
        if (!id.ok()) continue;  // Reported by ImportGraphDef.
        auto it = index.find(id->node);
        if (it == index.end()) continue;
        if (cut && id->index >= 0 &&
            fed.contains(absl::StrCat(id->node, ":", id->index))) {
          auto [slot, inserted] = fed_only.emplace(it->second, id->index);
          if (!inserted && slot->second != id->index) slot->second = -2;
          continue;
        }
        stack.push_back(it->second);
      }
    }
  };
  walk(/*cut=*/true);
  // A node needed only for a fed output becomes a Placeholder of that
  // output's type, so what computed it (perhaps ops unknown here) can go.
  // Otherwise it stays whole, with its inputs.
  absl::flat_hash_map<int, NodeDef> replaced;
  for (const auto& [i, out] : fed_only) {
    if (keep[i]) continue;
    if (def.node(i).input_size() == 0) {  // A Placeholder, say: keep it whole.
      keep[i] = true;
      continue;
    }
    absl::StatusOr<DataType> dtype =
        out == 0 ? OutputType(def.node(i), 0)
                 : absl::StatusOr<DataType>(absl::UnimplementedError(""));
    if (dtype.ok()) {
      NodeDef p;
      p.set_name(def.node(i).name());
      p.set_op("Placeholder");
      p.set_device(def.node(i).device());
      (*p.mutable_attr())["dtype"].set_type(*dtype);
      (*p.mutable_attr())["shape"].mutable_shape()->set_unknown_rank(true);
      replaced.emplace(i, std::move(p));
      keep[i] = true;
      continue;
    }
    stack.push_back(i);
    walk(/*cut=*/false);
  }
  GraphDef out;
  *out.mutable_versions() = def.versions();
  *out.mutable_library() = def.library();
  for (int i = 0; i < def.node_size(); ++i) {
    if (!keep[i]) continue;
    auto r = replaced.find(i);
    *out.add_node() = r == replaced.end() ? def.node(i) : r->second;
  }
  return out;
}

}  // namespace tg
