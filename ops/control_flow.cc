// The builders of ops/control_flow_ops.h: the v1 ops one by one, and
// Cond and WhileLoop laid out as TensorFlow lays out tf.cond and
// tf.while_loop.
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "graph/op_builder.h"
#include "graph/shape_refiner.h"
#include "ops/array_ops.h"
#include "ops/control_flow_ops.h"

namespace tg {
namespace ops {

SwitchOutputs Switch(const Scope& s, const Input& data, const Input& pred) {
  Operation op = OpBuilder(s, "Switch").Input(data).Input(pred).Finalize();
  if (!op.valid()) return {};
  return {Output(op.node(), 0), Output(op.node(), 1)};
}

MergeOutputs Merge(const Scope& s, const std::vector<Output>& inputs) {
  Operation op = OpBuilder(s, "Merge").InputList(inputs).Finalize();
  if (!op.valid()) return {};
  return {Output(op.node(), 0), Output(op.node(), 1)};
}

Output Enter(const Scope& s, const Input& data, const std::string& frame_name,
             bool is_constant, int parallel_iterations) {
  return OpBuilder(s, "Enter")
      .Input(data)
      .Attr("frame_name", frame_name)
      .Attr("is_constant", is_constant)
      .Attr("parallel_iterations", parallel_iterations)
      .Finalize();
}

Output Exit(const Scope& s, const Input& data) {
  return UnaryOp(s, "Exit", data);
}
Output NextIteration(const Scope& s, const Input& data) {
  return UnaryOp(s, "NextIteration", data);
}
Output LoopCond(const Scope& s, const Input& pred) {
  return UnaryOp(s, "LoopCond", pred);
}

namespace {

// Makes the nodes with ids in [first, end) read every tensor made before
// `outside_end` through `capture` (one capture per tensor), so a branch or
// loop body that uses an outer tensor gets it the way TensorFlow passes it
// in (a Switch on the predicate, an Enter into the frame).
class Capturer {
 public:
  using CaptureFn = std::function<Output(const Output& outer)>;
  Capturer(Graph* graph, int outside_end, CaptureFn capture)
      : graph_(graph),
        outside_end_(outside_end),
        capture_(std::move(capture)) {}

  absl::Status Rewire(int first, int end) {
    for (int id = first; id < end; ++id) {
      Node* n = graph_->node(id);
      for (int k = 0; k < n->num_inputs(); ++k) {
        const Edge* e = n->input_edge(k);
        if (e == nullptr || e->src->id() >= outside_end_) continue;
        TG_ASSIGN_OR_RETURN(Output inner, Of(Output(e->src, e->src_output)));
        TG_RETURN_IF_ERROR(
            graph_->ReplaceInput(inner.node(), inner.index(), n, k));
      }
    }
    return absl::OkStatus();
  }
  // `t` as seen inside: captured when it was made outside.
  absl::StatusOr<Output> Of(const Output& t) {
    if (t.node()->id() >= outside_end_) return t;
    auto [it, inserted] = seen_.try_emplace({t.node(), t.index()});
    if (inserted) it->second = capture_(t);
    if (!it->second.valid()) {
      return absl::InternalError(
          absl::StrCat("cannot capture '", t.name(), "'"));
    }
    return it->second;
  }

 private:
  Graph* graph_;
  int outside_end_;
  CaptureFn capture_;
  absl::flat_hash_map<std::pair<Node*, int>, Output> seen_;
};

absl::Status CheckResults(const std::string& what, const std::vector<Output>& a,
                          const std::vector<Output>& b) {
  TG_REQUIRE(a.size() == b.size(), InvalidArgument, what, " returns ", b.size(),
             " tensors but ", a.size(), " are expected");
  for (size_t i = 0; i < a.size(); ++i) {
    TG_REQUIRE(b[i].valid(), InvalidArgument, what, " result ", i,
               " is a null Output");
    TG_REQUIRE(BaseType(a[i].type()) == BaseType(b[i].type()), InvalidArgument,
               what, " result ", i, " is a ", DataTypeName(b[i].type()),
               " tensor but ", DataTypeName(a[i].type()), " is expected");
  }
  return absl::OkStatus();
}

// Runs a branch under `pivot` and rewires its outer inputs through `side`
// of a Switch on `pred`.
absl::StatusOr<std::vector<Output>> BuildBranch(const Scope& inner,
                                                const Output& pred,
                                                const Output& pivot, int side,
                                                const BranchFn& fn,
                                                int outside_end) {
  Graph* g = inner.graph();
  const int first = g->num_nodes();
  TG_ASSIGN_OR_RETURN(std::vector<Output> results,
                      fn(inner.NewSubScope(side ? "then" : "else")
                             .WithControlDependencies({pivot.op()})));
  TG_RETURN_IF_ERROR(inner.status());
  const int end = g->num_nodes();
  const Scope switches = inner.NewSubScope(side ? "switch_t" : "switch_f");
  Capturer capturer(g, outside_end, [&](const Output& outer) {
    SwitchOutputs sw = Switch(switches, outer, pred);
    return side ? sw.output_true : sw.output_false;
  });
  TG_RETURN_IF_ERROR(capturer.Rewire(first, end));
  for (Output& r : results) {
    TG_REQUIRE(r.valid(), InvalidArgument,
               "a cond branch returned a null Output");
    // A result made before the cond still passes through the branch.
    TG_ASSIGN_OR_RETURN(r, capturer.Of(r));
  }
  TG_RETURN_IF_ERROR(inner.status());
  return results;
}

}  // namespace

absl::StatusOr<std::vector<Output>> Cond(const Scope& scope, const Output& pred,
                                         const BranchFn& then_fn,
                                         const BranchFn& else_fn,
                                         const std::string& name) {
  TG_RETURN_IF_ERROR(scope.status());
  TG_REQUIRE(pred.valid(), InvalidArgument, "Cond: pred is a null Output");
  const int outside_end = scope.graph()->num_nodes();
  const Scope inner = scope.NewSubScope(name);
  SwitchOutputs sw = Switch(inner.WithOpName("Switch"), pred, pred);
  Output pivot_t = Identity(inner.WithOpName("pivot_t"), sw.output_true);
  Output pivot_f = Identity(inner.WithOpName("pivot_f"), sw.output_false);
  TG_RETURN_IF_ERROR(inner.status());
  const Output inner_pred = Identity(inner.WithOpName("pred_id"), pred);
  TG_ASSIGN_OR_RETURN(
      std::vector<Output> then_out,
      BuildBranch(inner, inner_pred, pivot_t, 1, then_fn, outside_end));
  TG_ASSIGN_OR_RETURN(
      std::vector<Output> else_out,
      BuildBranch(inner, inner_pred, pivot_f, 0, else_fn, outside_end));
  TG_RETURN_IF_ERROR(CheckResults("Cond's else branch", then_out, else_out));
  std::vector<Output> out;
  for (size_t i = 0; i < then_out.size(); ++i) {
    out.push_back(
        Merge(inner.WithOpName("Merge"), {else_out[i], then_out[i]}).output);
  }
  TG_RETURN_IF_ERROR(inner.status());
  return out;
}

namespace {

struct LoopParts {
  std::vector<Output> merges, switches_false, body_inputs;
  Output loop_cond;
};

// Enter -> Merge (its back edge set later) -> cond -> LoopCond -> Switch.
absl::Status BuildLoopHead(const Scope& loop, const std::string& frame,
                           const LoopCondFn& cond_fn,
                           const std::vector<Output>& inputs,
                           const WhileLoopOptions& options, Capturer& capturer,
                           LoopParts* parts) {
  for (const Output& in : inputs) {
    Output enter = Enter(loop.WithOpName("Enter"), in, frame, false,
                         options.parallel_iterations);
    parts->merges.push_back(
        Merge(loop.WithOpName("Merge"), {enter, enter}).output);
  }
  TG_RETURN_IF_ERROR(loop.status());
  Graph* g = loop.graph();
  const int first = g->num_nodes();
  TG_ASSIGN_OR_RETURN(
      Output c, cond_fn(loop.WithControlDependencies({parts->merges[0].op()}),
                        parts->merges));
  TG_RETURN_IF_ERROR(loop.status());
  TG_REQUIRE(c.valid() && BaseType(c.type()) == DT_BOOL, InvalidArgument,
             "WhileLoop's condition must return a bool tensor, not ",
             c.valid() ? DataTypeName(c.type()) : "a null Output");
  TG_RETURN_IF_ERROR(capturer.Rewire(first, g->num_nodes()));
  TG_ASSIGN_OR_RETURN(c, capturer.Of(c));
  parts->loop_cond = LoopCond(loop.WithOpName("LoopCond"), c);
  for (const Output& m : parts->merges) {
    SwitchOutputs sw = Switch(loop.WithOpName("Switch"), m, parts->loop_cond);
    parts->switches_false.push_back(sw.output_false);
    parts->body_inputs.push_back(
        Identity(loop.WithOpName("Identity"), sw.output_true));
  }
  return loop.status();
}

// The loop's Merges were shaped from their Enters alone; with the back
// edges in place a loop variable whose shape changes between iterations
// generalizes (dims that differ become -1), and so does what the loop
// computes from it. Infers the loop's nodes again until the Merges settle.
absl::Status RefineLoopShapes(Graph* g, int first,
                              const std::vector<Output>& merges) {
  for (int pass = 0; pass < 4; ++pass) {
    std::vector<PartialShape> before;
    for (const Output& m : merges) before.push_back(m.shape());
    for (int id = first; id < g->num_nodes(); ++id) {
      TG_RETURN_IF_ERROR(InferNodeShapes(g->node(id)));
    }
    bool settled = true;
    for (size_t i = 0; i < merges.size(); ++i) {
      settled &= merges[i].shape() == before[i];
    }
    if (settled) return absl::OkStatus();
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<Output>> WhileLoop(const Scope& scope,
                                              const LoopCondFn& cond_fn,
                                              const LoopBodyFn& body_fn,
                                              const std::vector<Output>& inputs,
                                              const WhileLoopOptions& options) {
  TG_RETURN_IF_ERROR(scope.status());
  TG_REQUIRE(!inputs.empty(), InvalidArgument,
             "WhileLoop needs at least one loop variable");
  TG_REQUIRE(options.parallel_iterations >= 1, InvalidArgument,
             "WhileLoop: parallel_iterations must be >= 1, not ",
             options.parallel_iterations);
  for (const Output& in : inputs) {
    TG_REQUIRE(in.valid(), InvalidArgument, "WhileLoop: a null input");
  }
  Graph* g = scope.graph();
  const int outside_end = g->num_nodes();
  // Loop nodes depend on nothing outside the frame but through Enter.
  const Scope loop =
      scope.NewSubScope(options.name).WithNoControlDependencies();
  const std::string frame = loop.name_prefix();
  Capturer capturer(g, outside_end, [&](const Output& outer) {
    return Enter(loop.WithOpName("Enter"), outer, frame, /*is_constant=*/true,
                 options.parallel_iterations);
  });
  LoopParts parts;
  TG_RETURN_IF_ERROR(
      BuildLoopHead(loop, frame, cond_fn, inputs, options, capturer, &parts));
  const int first = g->num_nodes();
  TG_ASSIGN_OR_RETURN(
      std::vector<Output> next,
      body_fn(loop.WithControlDependencies({parts.body_inputs[0].op()}),
              parts.body_inputs));
  TG_RETURN_IF_ERROR(loop.status());
  TG_RETURN_IF_ERROR(CheckResults("WhileLoop's body", inputs, next));
  TG_RETURN_IF_ERROR(capturer.Rewire(first, g->num_nodes()));
  std::vector<Output> out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    TG_ASSIGN_OR_RETURN(Output v, capturer.Of(next[i]));
    Output back = NextIteration(loop.WithOpName("NextIteration"), v);
    TG_RETURN_IF_ERROR(loop.status());
    TG_RETURN_IF_ERROR(
        g->ReplaceInput(back.node(), 0, parts.merges[i].node(), 1));
    out.push_back(Exit(loop.WithOpName("Exit"), parts.switches_false[i]));
  }
  TG_RETURN_IF_ERROR(loop.status());
  TG_RETURN_IF_ERROR(RefineLoopShapes(g, outside_end, parts.merges));
  return out;
}

}  // namespace ops
}  // namespace tg
