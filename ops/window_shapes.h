// Shape functions and gradient helpers shared by the convolution and
// pooling ops (ops/conv_ops.cc, ops/pool_ops.cc).
#ifndef TG_OPS_WINDOW_SHAPES_H_
#define TG_OPS_WINDOW_SHAPES_H_

#include <string>
#include <vector>

#include "core/conv_geometry.h"
#include "core/shape_inference.h"
#include "graph/scope.h"

namespace tg {

// Conv2D and DepthwiseConv2dNative: the output from the input and filter,
// with every spatial dim that is known computed as the kernels will.
absl::Status ConvForwardShape(InferenceContext& c, ConvKind kind);
// MaxPool and AvgPool.
absl::Status PoolForwardShape(InferenceContext& c);
// The backprops whose output shape is a sizes input: input 0 for the input
// backprops (4 values, or 2 spatial ones filled from out_backprop and the
// filter), input 1 for the filter backprops.
absl::Status BackpropInputShape(InferenceContext& c);
absl::Status BackpropFilterShape(InferenceContext& c);

// A node of op `type` on `inputs` that carries every attr of `like` that
// `type` declares, except the inferred type attr T: the gradient ops of a
// window op share its strides, padding, data_format and the rest.
Output WindowOpLike(const Scope& s, const Operation& like,
                    const std::string& type, const std::vector<Input>& inputs);

}  // namespace tg

#endif  // TG_OPS_WINDOW_SHAPES_H_
