#include "core/conv_geometry.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/checked_math.h"
#include "core/status.h"
#include "core/tensor.h"

namespace tg {
namespace {

// The index of H in data_format order (W follows it).
int HeightIndex(bool nchw) { return nchw ? 2 : 1; }
int ChannelIndex(bool nchw) { return nchw ? 1 : 3; }

std::string ListString(const std::vector<int64_t>& v) {
  return absl::StrCat("[", absl::StrJoin(v, ","), "]");
}

// A 4-entry list attr in data_format order whose batch and channel entries
// are 1 and whose spatial entries are positive, into out[0..1].
absl::Status ReadSpatialList(const AttrMap& attrs, const char* name, bool nchw,
                             int64_t out[2]) {
  TG_ASSIGN_OR_RETURN(std::vector<int64_t> v,
                      GetAttr<std::vector<int64_t>>(attrs, name));
  TG_REQUIRE(v.size() == 4, InvalidArgument, name,
             " must have 4 entries, one per dimension of ",
             nchw ? "NCHW" : "NHWC", ", got ", ListString(v));
  TG_REQUIRE(v[0] == 1 && v[ChannelIndex(nchw)] == 1, Unimplemented, name, " ",
             ListString(v),
             " moves along the batch or channel dimension, which is not "
             "supported: those entries must be 1");
  const int h = HeightIndex(nchw);
  for (int d = 0; d < 2; ++d) {
    TG_REQUIRE(v[h + d] > 0, InvalidArgument, name, " must be positive, got ",
               ListString(v));
    out[d] = v[h + d];
  }
  return absl::OkStatus();
}

absl::Status ReadPadding(const AttrMap& attrs, WindowAttrs& w) {
  TG_ASSIGN_OR_RETURN(std::string padding,
                      GetAttr<std::string>(attrs, "padding"));
  std::vector<int64_t> explicit_paddings;
  if (attrs.count("explicit_paddings") > 0) {
    TG_ASSIGN_OR_RETURN(explicit_paddings, GetAttr<std::vector<int64_t>>(
                                               attrs, "explicit_paddings"));
  }
  if (padding == "VALID" || padding == "SAME") {
    w.padding = padding == "VALID" ? Padding::kValid : Padding::kSame;
    TG_REQUIRE(explicit_paddings.empty(), InvalidArgument,
               "explicit_paddings must be empty with padding ", padding,
               ", got ", ListString(explicit_paddings));
    return absl::OkStatus();
  }
  TG_REQUIRE(padding == "EXPLICIT", InvalidArgument,
             "padding must be SAME, VALID or EXPLICIT, got \"", padding, "\"");
  w.padding = Padding::kExplicit;
  const std::vector<int64_t>& p = explicit_paddings;
  TG_REQUIRE(p.size() == 8, InvalidArgument,
             "explicit_paddings must have 8 entries (before and after for "
             "each dimension), got ",
             ListString(p));
  for (int64_t v : p) {
    TG_REQUIRE(v >= 0, InvalidArgument,
               "explicit_paddings must not be negative, got ", ListString(p));
  }
  const int c = ChannelIndex(w.nchw);
  TG_REQUIRE(p[0] == 0 && p[1] == 0 && p[2 * c] == 0 && p[2 * c + 1] == 0,
             Unimplemented, "explicit_paddings ", ListString(p),
             " pads the batch or channel dimension, which is not supported");
  const int h = HeightIndex(w.nchw);
  for (int d = 0; d < 2; ++d) {
    w.pad[d][0] = p[2 * (h + d)];
    w.pad[d][1] = p[2 * (h + d) + 1];
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WindowAttrs> ParseWindowAttrs(const AttrMap& attrs,
                                             WindowOp op) {
  WindowAttrs w;
  TG_ASSIGN_OR_RETURN(std::string format,
                      GetAttr<std::string>(attrs, "data_format"));
  TG_REQUIRE(format == "NHWC" || format == "NCHW", InvalidArgument,
             "data_format must be NHWC or NCHW, got \"", format, "\"");
  w.nchw = format == "NCHW";
  TG_RETURN_IF_ERROR(ReadSpatialList(attrs, "strides", w.nchw, w.stride));
  if (op == WindowOp::kPool) {
    TG_RETURN_IF_ERROR(ReadSpatialList(attrs, "ksize", w.nchw, w.ksize));
  } else if (attrs.count("dilations") > 0) {
    TG_RETURN_IF_ERROR(ReadSpatialList(attrs, "dilations", w.nchw, w.dilation));
  }
  TG_RETURN_IF_ERROR(ReadPadding(attrs, w));
  return w;
}

absl::StatusOr<Spatial> ComputeSpatial(const WindowAttrs& attrs, int dim,
                                       int64_t in, int64_t window) {
  const char* name = dim == 0 ? "height" : "width";
  Spatial s;
  s.in = in;
  s.window = window;
  s.stride = attrs.stride[dim];
  s.dilation = attrs.dilation[dim];
  TG_REQUIRE(in >= 0 && window > 0, InvalidArgument, "the ", name,
             " of the input (", in, ") and of the window (", window,
             ") must be positive");
  int64_t k_eff = 0;
  TG_REQUIRE(CheckedMul(window - 1, s.dilation, &k_eff) &&
                 CheckedAdd(k_eff, 1, &k_eff),
             InvalidArgument, "window ", window, " dilated by ", s.dilation,
             " overflows");
  if (attrs.padding == Padding::kSame) {
    s.out = in / s.stride + (in % s.stride != 0 ? 1 : 0);
    // (out - 1) * stride < in, so only k_eff can push the sum past int64.
    const int64_t total =
        std::max<int64_t>(0, SaturatingAdd((s.out - 1) * s.stride, k_eff) - in);
    s.pad_before = total / 2;
    s.pad_after = total - s.pad_before;
    return s;
  }
  if (attrs.padding == Padding::kExplicit) {
    s.pad_before = attrs.pad[dim][0];
    s.pad_after = attrs.pad[dim][1];
  }
  int64_t padded = 0;
  TG_REQUIRE(CheckedAdd(in, s.pad_before, &padded) &&
                 CheckedAdd(padded, s.pad_after, &padded),
             InvalidArgument, "the padded ", name, " overflows");
  TG_REQUIRE(padded >= k_eff, InvalidArgument, "the ", name, " window ", window,
             s.dilation > 1 ? absl::StrCat(" (", k_eff, " dilated)") : "",
             " is larger than the padded input ", name, " ", padded);
  s.out = (padded - k_eff) / s.stride + 1;
  return s;
}

TensorShape WindowGeometry::Shape(int64_t n, int64_t height, int64_t width,
                                  int64_t c) const {
  return nchw ? TensorShape({n, c, height, width})
              : TensorShape({n, height, width, c});
}

namespace {

absl::Status SetSpatial(const WindowAttrs& attrs, const TensorShape& input,
                        int64_t kh, int64_t kw, WindowGeometry& g) {
  TG_REQUIRE(input.rank() == 4, InvalidArgument, "input must be 4-D (",
             attrs.nchw ? "NCHW" : "NHWC", "), got ", input.DebugString());
  const int h = HeightIndex(attrs.nchw);
  g.nchw = attrs.nchw;
  g.input = input;
  g.batch = input.dim_size(0);
  g.in_channels = input.dim_size(ChannelIndex(attrs.nchw));
  TG_ASSIGN_OR_RETURN(g.h, ComputeSpatial(attrs, 0, input.dim_size(h), kh));
  TG_ASSIGN_OR_RETURN(g.w, ComputeSpatial(attrs, 1, input.dim_size(h + 1), kw));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<WindowGeometry> ConvGeometry(const WindowAttrs& attrs,
                                            const TensorShape& input,
                                            const TensorShape& filter,
                                            ConvKind kind) {
  TG_REQUIRE(filter.rank() == 4, InvalidArgument,
             "filter must be 4-D [height, width, in_channels, ",
             kind == ConvKind::kConv2D ? "out_channels" : "multiplier",
             "], got ", filter.DebugString());
  WindowGeometry g;
  g.filter = filter;
  TG_RETURN_IF_ERROR(
      SetSpatial(attrs, input, filter.dim_size(0), filter.dim_size(1), g));
  TG_REQUIRE(filter.dim_size(2) == g.in_channels, InvalidArgument,
             "the filter's in_channels (dimension 2 of ", filter.DebugString(),
             ") must equal the input's channels (", g.in_channels, " in ",
             input.DebugString(), ")");
  if (kind == ConvKind::kConv2D) {
    g.out_channels = filter.dim_size(3);
  } else {
    g.multiplier = filter.dim_size(3);
    TG_REQUIRE(CheckedMul(g.in_channels, g.multiplier, &g.out_channels),
               InvalidArgument, "depthwise output channels overflow");
  }
  TG_ASSIGN_OR_RETURN(
      g.output, TensorShape::FromDims(
                    g.Shape(g.batch, g.h.out, g.w.out, g.out_channels).dims()));
  return g;
}

absl::StatusOr<WindowGeometry> PoolGeometry(const WindowAttrs& attrs,
                                            const TensorShape& input) {
  WindowGeometry g;
  TG_RETURN_IF_ERROR(
      SetSpatial(attrs, input, attrs.ksize[0], attrs.ksize[1], g));
  g.out_channels = g.in_channels;
  TG_ASSIGN_OR_RETURN(
      g.output, TensorShape::FromDims(
                    g.Shape(g.batch, g.h.out, g.w.out, g.out_channels).dims()));
  return g;
}

absl::StatusOr<TensorShape> ShapeFromSizes(const Tensor& sizes,
                                           const WindowAttrs& attrs,
                                           const TensorShape& out_backprop,
                                           int64_t channels) {
  TG_REQUIRE(sizes.shape().rank() == 1 &&
                 (sizes.NumElements() == 4 ||
                  (sizes.NumElements() == 2 && channels >= 0)),
             InvalidArgument, "the sizes input must be a vector of 4",
             channels >= 0 ? " (or 2 spatial)" : "", " values, got shape ",
             sizes.shape().DebugString());
  std::vector<int64_t> v;
  for (int64_t i = 0; i < sizes.NumElements(); ++i) {
    v.push_back(sizes.dtype() == DT_INT64 ? sizes.data<int64_t>()[i]
                                          : sizes.data<int32_t>()[i]);
  }
  if (v.size() == 2) {
    TG_REQUIRE(out_backprop.rank() == 4, InvalidArgument,
               "out_backprop must be 4-D, got ", out_backprop.DebugString());
    const int64_t n = out_backprop.dim_size(0);
    v = attrs.nchw ? std::vector<int64_t>{n, channels, v[0], v[1]}
                   : std::vector<int64_t>{n, v[0], v[1], channels};
  }
  absl::StatusOr<TensorShape> shape = TensorShape::FromDims(v);
  TG_REQUIRE(shape.ok(), InvalidArgument, "the sizes input ", ListString(v),
             " is not a valid shape: ", shape.status().message());
  return shape;
}

absl::Status CheckOutBackprop(const WindowGeometry& g,
                              const TensorShape& out_backprop) {
  TG_REQUIRE(out_backprop == g.output, InvalidArgument,
             "out_backprop has shape ", out_backprop.DebugString(),
             " but the forward op's output is ", g.output.DebugString(),
             " for input ", g.input.DebugString(),
             g.filter.rank() == 4
                 ? absl::StrCat(" and filter ", g.filter.DebugString())
                 : "");
  return absl::OkStatus();
}

}  // namespace tg
