// Convolution ops (Conv2D, DepthwiseConv2dNative and their backprops):
// schemas, shape functions, gradients and builders. The window arithmetic
// is core/conv_geometry's, the same the kernels use.
#include "ops/conv_ops.h"

#include "absl/strings/str_cat.h"
#include "core/conv_geometry.h"
#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/array_ops.h"
#include "ops/window_shapes.h"

namespace tg {
namespace {

#define TG_CONV_ATTRS                                 \
  Attr("strides: list(int)")                          \
      .Attr("padding: {'SAME', 'VALID', 'EXPLICIT'}") \
      .Attr("explicit_paddings: list(int) = []")      \
      .Attr("data_format: {'NHWC', 'NCHW'} = 'NHWC'") \
      .Attr("dilations: list(int) = [1, 1, 1, 1]")

absl::Status Conv2DShape(InferenceContext& c) {
  return ConvForwardShape(c, ConvKind::kConv2D);
}
absl::Status DepthwiseShape(InferenceContext& c) {
  return ConvForwardShape(c, ConvKind::kDepthwise);
}

TG_REGISTER_OP("Conv2D")
    .Input("input: T")
    .Input("filter: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double, int32}")
    .Attr("use_cudnn_on_gpu: bool = true")
    .TG_CONV_ATTRS.SetShapeFn(Conv2DShape);

TG_REGISTER_OP("Conv2DBackpropInput")
    .Input("input_sizes: int32")
    .Input("filter: T")
    .Input("out_backprop: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double, int32}")
    .Attr("use_cudnn_on_gpu: bool = true")
    .TG_CONV_ATTRS.SetShapeFn(BackpropInputShape);

TG_REGISTER_OP("Conv2DBackpropFilter")
    .Input("input: T")
    .Input("filter_sizes: int32")
    .Input("out_backprop: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double}")
    .Attr("use_cudnn_on_gpu: bool = true")
    .TG_CONV_ATTRS.SetShapeFn(BackpropFilterShape);

TG_REGISTER_OP("DepthwiseConv2dNative")
    .Input("input: T")
    .Input("filter: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double}")
    .TG_CONV_ATTRS.SetShapeFn(DepthwiseShape);

TG_REGISTER_OP("DepthwiseConv2dNativeBackpropInput")
    .Input("input_sizes: int32")
    .Input("filter: T")
    .Input("out_backprop: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double}")
    .TG_CONV_ATTRS.SetShapeFn(BackpropInputShape);

TG_REGISTER_OP("DepthwiseConv2dNativeBackpropFilter")
    .Input("input: T")
    .Input("filter_sizes: int32")
    .Input("out_backprop: T")
    .Output("output: T")
    .Attr("T: {half, bfloat16, float, double}")
    .TG_CONV_ATTRS.SetShapeFn(BackpropFilterShape);

#undef TG_CONV_ATTRS

// The three ops of one convolution family.
struct ConvFamily {
  const char* forward;
  const char* backprop_input;
  const char* backprop_filter;
};
constexpr ConvFamily kConv2D{"Conv2D", "Conv2DBackpropInput",
                             "Conv2DBackpropFilter"};
constexpr ConvFamily kDepthwise{"DepthwiseConv2dNative",
                                "DepthwiseConv2dNativeBackpropInput",
                                "DepthwiseConv2dNativeBackpropFilter"};

// The forward op's dx and dfilter (its gradient, TensorFlow's way).
absl::Status ConvGrad(const Scope& s, const Operation& op,
                      const std::vector<Output>& dy, std::vector<Output>* dx,
                      const ConvFamily& f) {
  const Output input = op.input(0), filter = op.input(1);
  dx->push_back(WindowOpLike(s, op, f.backprop_input,
                             {ops::Shape(s, input), filter, dy[0]}));
  dx->push_back(WindowOpLike(s, op, f.backprop_filter,
                             {input, ops::Shape(s, filter), dy[0]}));
  return absl::OkStatus();
}

// BackpropInput(sizes, w, dy) is bilinear in (w, dy): dw is the filter
// backprop of the incoming g against dy, d(dy) the forward conv of g.
absl::Status BackpropInputGrad(const Scope& s, const Operation& op,
                               const std::vector<Output>& dz,
                               std::vector<Output>* dx, const ConvFamily& f) {
  const Output filter = op.input(1), dy = op.input(2);
  dx->push_back(NoGradient());
  dx->push_back(WindowOpLike(s, op, f.backprop_filter,
                             {dz[0], ops::Shape(s, filter), dy}));
  dx->push_back(WindowOpLike(s, op, f.forward, {dz[0], filter}));
  return absl::OkStatus();
}

// BackpropFilter(x, sizes, dy) is bilinear in (x, dy).
absl::Status BackpropFilterGrad(const Scope& s, const Operation& op,
                                const std::vector<Output>& dz,
                                std::vector<Output>* dx, const ConvFamily& f) {
  const Output input = op.input(0), dy = op.input(2);
  dx->push_back(
      WindowOpLike(s, op, f.backprop_input, {ops::Shape(s, input), dz[0], dy}));
  dx->push_back(NoGradient());
  dx->push_back(WindowOpLike(s, op, f.forward, {input, dz[0]}));
  return absl::OkStatus();
}

#define TG_CONV_GRADIENTS(FAMILY, FORWARD, INPUT, FILTER)                   \
  TG_REGISTER_GRADIENT_OP(                                                  \
      FORWARD, [](const Scope& s, const Operation& op,                      \
                  const std::vector<Output>& dy, std::vector<Output>* dx) { \
        return ConvGrad(s, op, dy, dx, FAMILY);                             \
      });                                                                   \
  TG_REGISTER_GRADIENT_OP(                                                  \
      INPUT, [](const Scope& s, const Operation& op,                        \
                const std::vector<Output>& dy, std::vector<Output>* dx) {   \
        return BackpropInputGrad(s, op, dy, dx, FAMILY);                    \
      });                                                                   \
  TG_REGISTER_GRADIENT_OP(                                                  \
      FILTER, [](const Scope& s, const Operation& op,                       \
                 const std::vector<Output>& dy, std::vector<Output>* dx) {  \
        return BackpropFilterGrad(s, op, dy, dx, FAMILY);                   \
      })

TG_CONV_GRADIENTS(kConv2D, "Conv2D", "Conv2DBackpropInput",
                  "Conv2DBackpropFilter");
TG_CONV_GRADIENTS(kDepthwise, "DepthwiseConv2dNative",
                  "DepthwiseConv2dNativeBackpropInput",
                  "DepthwiseConv2dNativeBackpropFilter");
#undef TG_CONV_GRADIENTS

OpBuilder& ConvAttrs(OpBuilder& b, const ops::ConvOptions& o) {
  b.Attr("strides", o.strides)
      .Attr("padding", o.padding)
      .Attr("explicit_paddings", o.explicit_paddings)
      .Attr("data_format", o.data_format)
      .Attr("dilations", o.dilations);
  return b;
}

Output ConvOp(const Scope& s, const char* type, const Input& a, const Input& b,
              const ops::ConvOptions& o) {
  OpBuilder builder(s, type);
  builder.Input(a).Input(b);
  return ConvAttrs(builder, o).Finalize().output(0);
}

Output ConvOp(const Scope& s, const char* type, const Input& a, const Input& b,
              const Input& c, const ops::ConvOptions& o) {
  OpBuilder builder(s, type);
  builder.Input(a).Input(b).Input(c);
  return ConvAttrs(builder, o).Finalize().output(0);
}

}  // namespace

namespace ops {

Output Conv2D(const Scope& s, const Input& input, const Input& filter,
              const ConvOptions& options) {
  return ConvOp(s, "Conv2D", input, filter, options);
}
Output Conv2DBackpropInput(const Scope& s, const Input& input_sizes,
                           const Input& filter, const Input& out_backprop,
                           const ConvOptions& options) {
  return ConvOp(s, "Conv2DBackpropInput", input_sizes, filter, out_backprop,
                options);
}
Output Conv2DBackpropFilter(const Scope& s, const Input& input,
                            const Input& filter_sizes,
                            const Input& out_backprop,
                            const ConvOptions& options) {
  return ConvOp(s, "Conv2DBackpropFilter", input, filter_sizes, out_backprop,
                options);
}
Output DepthwiseConv2dNative(const Scope& s, const Input& input,
                             const Input& filter, const ConvOptions& options) {
  return ConvOp(s, "DepthwiseConv2dNative", input, filter, options);
}
Output DepthwiseConv2dNativeBackpropInput(const Scope& s,
                                          const Input& input_sizes,
                                          const Input& filter,
                                          const Input& out_backprop,
                                          const ConvOptions& options) {
  return ConvOp(s, "DepthwiseConv2dNativeBackpropInput", input_sizes, filter,
                out_backprop, options);
}
Output DepthwiseConv2dNativeBackpropFilter(const Scope& s, const Input& input,
                                           const Input& filter_sizes,
                                           const Input& out_backprop,
                                           const ConvOptions& options) {
  return ConvOp(s, "DepthwiseConv2dNativeBackpropFilter", input, filter_sizes,
                out_backprop, options);
}

}  // namespace ops
}  // namespace tg
