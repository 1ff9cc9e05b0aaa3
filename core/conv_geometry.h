// Window geometry shared by the convolution and pooling ops: their attrs
// (strides, dilations, ksize, padding, explicit_paddings, data_format) read
// and validated once, and the output size and padding of each spatial
// dimension computed with TensorFlow's rules:
//   k_eff = (k - 1) * dilation + 1
//   VALID:    out = (in - k_eff) / stride + 1, no padding
//   SAME:     out = ceil(in / stride); the total padding
//             max(0, (out - 1) * stride + k_eff - in) is split with the odd
//             cell at the end (bottom / right)
//   EXPLICIT: out = (in + before + after - k_eff) / stride + 1
// Shape functions (ops/) and kernels (kernels/) use the same code, so a
// graph that builds runs with the shapes it was built with.
//
// Everything here trusts nothing: attr lists of the wrong length, zero or
// negative strides, windows larger than the padded input and sizes whose
// arithmetic would overflow are InvalidArgument errors naming the values.
#ifndef TG_CORE_CONV_GEOMETRY_H_
#define TG_CORE_CONV_GEOMETRY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "core/attr_value.h"
#include "core/tensor_shape.h"

namespace tg {

enum class Padding { kValid, kSame, kExplicit };

// A window op's attrs, resolved to the two spatial dims (H, W).
struct WindowAttrs {
  bool nchw = false;
  Padding padding = Padding::kValid;
  int64_t stride[2] = {1, 1};
  int64_t dilation[2] = {1, 1};
  int64_t ksize[2] = {0, 0};             // pooling windows; 0 for convolutions
  int64_t pad[2][2] = {{0, 0}, {0, 0}};  // EXPLICIT (before, after) per dim
};

enum class WindowOp { kConv, kPool };

// Reads a window op's attrs. kConv: strides, padding, data_format and the
// optional dilations and explicit_paddings; kPool: ksize, strides, padding,
// data_format and the optional explicit_paddings. The batch and channel
// entries of strides, dilations and ksize must be 1.
absl::StatusOr<WindowAttrs> ParseWindowAttrs(const AttrMap& attrs, WindowOp op);

// One spatial dimension of a window op.
struct Spatial {
  int64_t in = 0;
  int64_t window = 0;  // the filter or pooling window size k
  int64_t stride = 1;
  int64_t dilation = 1;
  int64_t out = 0;
  int64_t pad_before = 0;
  int64_t pad_after = 0;
};

// The output size and padding of spatial dim `dim` (0 = H, 1 = W) for an
// input of size `in` and a window of size `window`.
absl::StatusOr<Spatial> ComputeSpatial(const WindowAttrs& attrs, int dim,
                                       int64_t in, int64_t window);

// Everything a convolution or pooling kernel needs about its shapes.
struct WindowGeometry {
  bool nchw = false;
  int64_t batch = 0;
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t multiplier = 0;  // depthwise convolutions: out = in * multiplier
  Spatial h, w;
  TensorShape input;
  TensorShape output;
  TensorShape filter;  // [kh, kw, in, out] (HWIO) or depthwise [kh, kw, in, m]

  // An NHWC or NCHW shape (as data_format says) with these dims.
  TensorShape Shape(int64_t n, int64_t height, int64_t width, int64_t c) const;
};

enum class ConvKind { kConv2D, kDepthwise };

// A 4-D input and filter (HWIO; depthwise [kh, kw, in, multiplier]): the
// filter's in-channels must equal the input's.
absl::StatusOr<WindowGeometry> ConvGeometry(const WindowAttrs& attrs,
                                            const TensorShape& input,
                                            const TensorShape& filter,
                                            ConvKind kind);
// A 4-D input pooled with the attrs' ksize.
absl::StatusOr<WindowGeometry> PoolGeometry(const WindowAttrs& attrs,
                                            const TensorShape& input);

// The 4-D input shape a backprop op's `sizes` tensor names: 4 values, or
// (Conv2DBackpropInput only) 2 spatial values with the batch taken from
// `out_backprop` and the channels from `channels`. Values must be >= 0.
absl::StatusOr<TensorShape> ShapeFromSizes(const Tensor& sizes,
                                           const WindowAttrs& attrs,
                                           const TensorShape& out_backprop,
                                           int64_t channels);

// Fails unless `out_backprop` is exactly the geometry's output shape.
absl::Status CheckOutBackprop(const WindowGeometry& g,
                              const TensorShape& out_backprop);

}  // namespace tg

#endif  // TG_CORE_CONV_GEOMETRY_H_
