// Calls into a graph's function library. They never run as kernels: graph
// import inlines every call (graph/functions.h); the ops are registered so
// that their attrs validate and their output args resolve inside bodies.
#include "core/op_registry.h"
#include "core/shape_inference.h"
#include "graph/gradients.h"

namespace tg {
namespace {

// Shapes come from the inlined body; here they are unknown.
absl::Status UnknownOutputShapes(InferenceContext& c) {
  for (int i = 0; i < c.num_outputs(); ++i) {
    c.set_output(i, PartialShape::Unknown());
  }
  return absl::OkStatus();
}

#define TG_REGISTER_CALL_OP(NAME)         \
  TG_REGISTER_OP(NAME)                    \
      .Input("args: Tin")                 \
      .Output("output: Tout")             \
      .Attr("Tin: list(type) >= 0")       \
      .Attr("Tout: list(type) >= 0")      \
      .Attr("f: func")                    \
      .Attr("config: string = ''")        \
      .Attr("config_proto: string = ''")  \
      .Attr("executor_type: string = ''") \
      .SetShapeFn(UnknownOutputShapes)

TG_REGISTER_CALL_OP("PartitionedCall");
TG_REGISTER_CALL_OP("StatefulPartitionedCall").SetIsStateful();

// Functional control flow: lowered to Switch/Merge and loop frames when
// a graph is imported (graph/lower_control_flow.h), so never run as kernels;
// registered so that attrs validate and "node:output:i" resolves in bodies.
#define TG_REGISTER_IF_OP(NAME)                \
  TG_REGISTER_OP(NAME)                         \
      .Input("cond: Tcond")                    \
      .Input("input: Tin")                     \
      .Output("output: Tout")                  \
      .Attr("Tcond: type")                     \
      .Attr("Tin: list(type) >= 0")            \
      .Attr("Tout: list(type) >= 0")           \
      .Attr("then_branch: func")               \
      .Attr("else_branch: func")               \
      .Attr("output_shapes: list(shape) = []") \
      .SetShapeFn(UnknownOutputShapes)
TG_REGISTER_IF_OP("If").SetIsStateful();
TG_REGISTER_IF_OP("StatelessIf");

#define TG_REGISTER_CASE_OP(NAME)              \
  TG_REGISTER_OP(NAME)                         \
      .Input("branch_index: int32")            \
      .Input("input: Tin")                     \
      .Output("output: Tout")                  \
      .Attr("Tin: list(type) >= 0")            \
      .Attr("Tout: list(type) >= 0")           \
      .Attr("branches: list(func) >= 1")       \
      .Attr("output_shapes: list(shape) = []") \
      .SetShapeFn(UnknownOutputShapes)
TG_REGISTER_CASE_OP("Case").SetIsStateful();
TG_REGISTER_CASE_OP("StatelessCase");

#define TG_REGISTER_WHILE_OP(NAME)             \
  TG_REGISTER_OP(NAME)                         \
      .Input("input: T")                       \
      .Output("output: T")                     \
      .Attr("T: list(type) >= 0")              \
      .Attr("cond: func")                      \
      .Attr("body: func")                      \
      .Attr("output_shapes: list(shape) = []") \
      .Attr("parallel_iterations: int = 10")   \
      .SetShapeFn(UnknownOutputShapes)
TG_REGISTER_WHILE_OP("While").SetIsStateful();
TG_REGISTER_WHILE_OP("StatelessWhile");

// Inlined before any gradient is taken: the inlined body differentiates.
TG_REGISTER_NO_GRADIENT_OP("PartitionedCall");
TG_REGISTER_NO_GRADIENT_OP("StatefulPartitionedCall");
TG_REGISTER_NO_GRADIENT_OP("If");
TG_REGISTER_NO_GRADIENT_OP("StatelessIf");
TG_REGISTER_NO_GRADIENT_OP("Case");
TG_REGISTER_NO_GRADIENT_OP("StatelessCase");
TG_REGISTER_NO_GRADIENT_OP("While");
TG_REGISTER_NO_GRADIENT_OP("StatelessWhile");

}  // namespace
}  // namespace tg
