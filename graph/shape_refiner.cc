#include "graph/shape_refiner.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/tensor_proto.h"

namespace tg {
namespace {

// Constants larger than this are weights, not shapes; decoding them for
// shape inference would only cost time.
constexpr int64_t kMaxConstElementsForInference = 1024;

std::optional<Tensor> SmallConstValue(const Node* n) {
  if (n->op() != "Const") return std::nullopt;
  auto it = n->attrs().find("value");
  if (it == n->attrs().end() || !it->second.has_tensor()) return std::nullopt;
  PartialShape s = PartialShape::FromProto(it->second.tensor().tensor_shape());
  if (!s.IsFullyDefined()) return std::nullopt;
  int64_t count = 1;
  for (int64_t d : s.dims)
    count = SaturatingMul(count, std::max<int64_t>(d, 0));
  if (count > kMaxConstElementsForInference) return std::nullopt;
  absl::StatusOr<Tensor> t = TensorFromProto(it->second.tensor());
  if (!t.ok()) return std::nullopt;
  return *std::move(t);
}

// The shape attr of the VarHandleOp behind a resource tensor, following
// the identities an inlined call puts in between.
PartialShape HandleShape(const Node* n) {
  for (int hops = 0; n != nullptr && hops < 64; ++hops) {
    if (n->op() == "VarHandleOp") {
      auto it = n->attrs().find("shape");
      if (it == n->attrs().end() || !it->second.has_shape()) break;
      return PartialShape::FromProto(it->second.shape());
    }
    if (n->op() != "Identity" || n->num_inputs() < 1) break;
    const Edge* e = n->input_edge(0);
    n = e == nullptr ? nullptr : e->src;
  }
  return PartialShape();
}

}  // namespace

absl::Status InferNodeShapes(Node* node) {
  std::vector<PartialShape> shapes(node->num_inputs());
  std::vector<std::optional<Tensor>> values(node->num_inputs());
  std::vector<const Tensor*> value_ptrs(node->num_inputs(), nullptr);
  for (int i = 0; i < node->num_inputs(); ++i) {
    const Edge* e = node->input_edge(i);
    if (e == nullptr) continue;
    shapes[i] = e->src->output_shape(e->src_output);
    values[i] = SmallConstValue(e->src);
    if (values[i].has_value()) value_ptrs[i] = &*values[i];
  }
  std::vector<PartialShape> handle_shapes(node->num_inputs());
  for (int i = 0; i < node->num_inputs(); ++i) {
    const Edge* e = node->input_edge(i);
    if (e != nullptr && node->input_type(i) == DT_RESOURCE) {
      handle_shapes[i] = HandleShape(e->src);
    }
  }
  InferenceContext ctx(&node->attrs(), std::move(shapes), value_ptrs,
                       node->num_outputs());
  ctx.set_input_handle_shapes(std::move(handle_shapes));
  absl::Status s = node->op_registration().shape_fn(ctx);
  if (!s.ok()) return AnnotateStatus(s, node->ErrorPrefix());
  for (int i = 0; i < node->num_outputs(); ++i) {
    s = ValidatePartialShape(ctx.outputs()[i]);
    if (!s.ok()) {
      return AnnotateStatus(
          s, absl::StrCat(node->ErrorPrefix(), "output ", i, ": "));
    }
    node->set_output_shape(i, ctx.outputs()[i]);
  }
  return absl::OkStatus();
}

}  // namespace tg
