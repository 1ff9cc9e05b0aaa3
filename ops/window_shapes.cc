#include "ops/window_shapes.h"

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/op_registry.h"
#include "core/status.h"
#include "graph/op_builder.h"

namespace tg {
namespace {

int HeightAxis(bool nchw) { return nchw ? 2 : 1; }
int ChannelAxis(bool nchw) { return nchw ? 1 : 3; }

// One output spatial dim: computed when the input's and the window's sizes
// are known, else unknown.
absl::StatusOr<int64_t> OutDim(const WindowAttrs& w, int dim, int64_t in,
                               int64_t window) {
  if (in < 0 || window < 0) return -1;
  TG_ASSIGN_OR_RETURN(Spatial s, ComputeSpatial(w, dim, in, window));
  return s.out;
}

absl::Status SetWindowOutput(InferenceContext& c, const WindowAttrs& w,
                             const PartialShape& input, int64_t kh, int64_t kw,
                             int64_t channels) {
  const int h = HeightAxis(w.nchw);
  PartialShape out = PartialShape::UnknownDims(4);
  out.dims[0] = input.dims[0];
  out.dims[ChannelAxis(w.nchw)] = channels;
  TG_ASSIGN_OR_RETURN(out.dims[h], OutDim(w, 0, input.dims[h], kh));
  TG_ASSIGN_OR_RETURN(out.dims[h + 1], OutDim(w, 1, input.dims[h + 1], kw));
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

}  // namespace

absl::Status ConvForwardShape(InferenceContext& c, ConvKind kind) {
  PartialShape input, filter;
  TG_RETURN_IF_ERROR(c.WithRank(0, 4, &input));
  TG_RETURN_IF_ERROR(c.WithRank(1, 4, &filter));
  TG_ASSIGN_OR_RETURN(WindowAttrs w,
                      ParseWindowAttrs(c.attrs(), WindowOp::kConv));
  const int64_t in_c = input.dims[ChannelAxis(w.nchw)];
  TG_REQUIRE(in_c < 0 || filter.dims[2] < 0 || in_c == filter.dims[2],
             InvalidArgument, "the filter's in_channels (dimension 2 of ",
             filter.DebugString(), ") must equal the input's channels (", in_c,
             " in ", input.DebugString(), ")");
  int64_t out_c = filter.dims[3];
  if (kind == ConvKind::kDepthwise) {
    const int64_t c_in = in_c >= 0 ? in_c : filter.dims[2];
    out_c = c_in >= 0 && filter.dims[3] >= 0
                ? SaturatingMul(c_in, filter.dims[3])
                : -1;
  }
  return SetWindowOutput(c, w, input, filter.dims[0], filter.dims[1], out_c);
}

absl::Status PoolForwardShape(InferenceContext& c) {
  PartialShape input;
  TG_RETURN_IF_ERROR(c.WithRank(0, 4, &input));
  TG_ASSIGN_OR_RETURN(WindowAttrs w,
                      ParseWindowAttrs(c.attrs(), WindowOp::kPool));
  return SetWindowOutput(c, w, input, w.ksize[0], w.ksize[1],
                         input.dims[ChannelAxis(w.nchw)]);
}

absl::Status BackpropInputShape(InferenceContext& c) {
  PartialShape sizes, filter, dy;
  TG_RETURN_IF_ERROR(c.WithRank(0, 1, &sizes));
  TG_RETURN_IF_ERROR(c.WithRank(1, 4, &filter));
  TG_RETURN_IF_ERROR(c.WithRank(2, 4, &dy));
  TG_ASSIGN_OR_RETURN(WindowAttrs w,
                      ParseWindowAttrs(c.attrs(), WindowOp::kConv));
  PartialShape out = PartialShape::UnknownDims(4);
  out.dims[0] = dy.dims[0];
  out.dims[ChannelAxis(w.nchw)] = filter.dims[2];
  const Tensor* value = c.input_value(0);
  if (value != nullptr) {
    TG_ASSIGN_OR_RETURN(std::vector<int64_t> v, TensorToInt64s(*value));
    TG_REQUIRE(v.size() == 4 || v.size() == 2, InvalidArgument,
               "input_sizes must hold 4 values (or 2 spatial ones), got ",
               v.size());
    if (v.size() == 4) {
      out = PartialShape::Of(v);
    } else {
      out.dims[HeightAxis(w.nchw)] = v[0];
      out.dims[HeightAxis(w.nchw) + 1] = v[1];
    }
  }
  TG_RETURN_IF_ERROR(ValidatePartialShape(out));
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

absl::Status BackpropFilterShape(InferenceContext& c) {
  PartialShape input, sizes, dy;
  TG_RETURN_IF_ERROR(c.WithRank(0, 4, &input));
  TG_RETURN_IF_ERROR(c.WithRank(1, 1, &sizes));
  TG_RETURN_IF_ERROR(c.WithRank(2, 4, &dy));
  TG_RETURN_IF_ERROR(ParseWindowAttrs(c.attrs(), WindowOp::kConv).status());
  PartialShape out;
  TG_RETURN_IF_ERROR(ShapeFromShapeTensor(c, 1, &out));
  TG_REQUIRE(!out.known_rank || out.rank() == 4, InvalidArgument,
             "filter_sizes must hold 4 values, got ", out.rank());
  c.set_output(0, out.known_rank ? out : PartialShape::UnknownDims(4));
  return absl::OkStatus();
}

Output WindowOpLike(const Scope& s, const Operation& like,
                    const std::string& type, const std::vector<Input>& inputs) {
  OpBuilder b(s, type);
  for (const Input& in : inputs) b.Input(in);
  const OpRegistration* reg = OpRegistry::Global()->Find(type);
  if (reg != nullptr) {
    const AttrMap& attrs = like.node()->attrs();
    for (const auto& attr : reg->def.attr()) {
      if (attr.name() == "T") continue;
      auto it = attrs.find(attr.name());
      if (it != attrs.end()) b.Attr(attr.name(), it->second);
    }
  }
  return b.Finalize().output(0);
}

}  // namespace tg
