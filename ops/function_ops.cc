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

// Inlined before any gradient is taken: the inlined body differentiates.
TG_REGISTER_NO_GRADIENT_OP("PartitionedCall");
TG_REGISTER_NO_GRADIENT_OP("StatefulPartitionedCall");

}  // namespace
}  // namespace tg
