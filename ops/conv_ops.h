// Builders for the convolution, pooling and batch-normalization ops, with
// TensorFlow's names, inputs and attrs. Filters are HWIO
// ([height, width, in_channels, out_channels]); depthwise filters are
// [height, width, in_channels, multiplier]. Strides, dilations and ksize
// are 4-entry lists in data_format order whose batch and channel entries
// are 1.
#ifndef TG_OPS_CONV_OPS_H_
#define TG_OPS_CONV_OPS_H_

#include <string>
#include <vector>

#include "graph/scope.h"

namespace tg {
namespace ops {

struct ConvOptions {
  std::vector<int64_t> strides = {1, 1, 1, 1};
  std::string padding = "SAME";  // "SAME", "VALID" or "EXPLICIT"
  // EXPLICIT only: (before, after) for each of the 4 dims, data_format order.
  std::vector<int64_t> explicit_paddings;
  std::string data_format = "NHWC";  // or "NCHW"
  std::vector<int64_t> dilations = {1, 1, 1, 1};
};

Output Conv2D(const Scope& s, const Input& input, const Input& filter,
              const ConvOptions& options = {});
// The gradient of Conv2D with respect to its input, whose shape
// `input_sizes` (int32) gives: 4 values, or 2 spatial ones.
Output Conv2DBackpropInput(const Scope& s, const Input& input_sizes,
                           const Input& filter, const Input& out_backprop,
                           const ConvOptions& options = {});
// The gradient of Conv2D with respect to its filter of shape `filter_sizes`.
Output Conv2DBackpropFilter(const Scope& s, const Input& input,
                            const Input& filter_sizes,
                            const Input& out_backprop,
                            const ConvOptions& options = {});
// Output channel k * multiplier + q is input channel k convolved with
// filter[:, :, k, q].
Output DepthwiseConv2dNative(const Scope& s, const Input& input,
                             const Input& filter,
                             const ConvOptions& options = {});
Output DepthwiseConv2dNativeBackpropInput(const Scope& s,
                                          const Input& input_sizes,
                                          const Input& filter,
                                          const Input& out_backprop,
                                          const ConvOptions& options = {});
Output DepthwiseConv2dNativeBackpropFilter(const Scope& s, const Input& input,
                                           const Input& filter_sizes,
                                           const Input& out_backprop,
                                           const ConvOptions& options = {});

struct PoolOptions {
  std::vector<int64_t> ksize = {1, 2, 2, 1};
  std::vector<int64_t> strides = {1, 2, 2, 1};
  std::string padding = "VALID";           // MaxPool also takes "EXPLICIT"
  std::vector<int64_t> explicit_paddings;  // MaxPool, EXPLICIT only
  std::string data_format = "NHWC";
};

// The largest input cell of each window; padding never wins.
Output MaxPool(const Scope& s, const Input& input,
               const PoolOptions& options = {});
// Routes each grad cell to the first (row-major) maximum of its window.
Output MaxPoolGrad(const Scope& s, const Input& orig_input,
                   const Input& orig_output, const Input& grad,
                   const PoolOptions& options = {});
// For each output cell, `grad` (shaped like orig_input) at the window's
// first maximum: the gradient of MaxPoolGrad with respect to its grad.
Output MaxPoolGradGrad(const Scope& s, const Input& orig_input,
                       const Input& orig_output, const Input& grad,
                       const PoolOptions& options = {});
// The mean of each window over the cells inside the input (padding is not
// counted).
Output AvgPool(const Scope& s, const Input& value,
               const PoolOptions& options = {});
Output AvgPoolGrad(const Scope& s, const Input& orig_input_shape,
                   const Input& grad, const PoolOptions& options = {});

struct FusedBatchNormOptions {
  float epsilon = 0.0001f;
  // Training: the batch statistics outputs are
  // (1 - factor) * running + factor * batch (1: the batch's own).
  float exponential_avg_factor = 1.0f;
  std::string data_format = "NHWC";  // or "NCHW"
  bool is_training = true;
};

struct FusedBatchNormOutputs {
  Output y;
  Output batch_mean;       // training: the new running mean
  Output batch_variance;   // training: the new running (unbiased) variance
  Output reserve_space_1;  // the batch mean, for the gradient
  Output reserve_space_2;  // the batch's biased variance, for the gradient
  Output reserve_space_3;
};
// y = (x - mean) / sqrt(variance + epsilon) * scale + offset per channel,
// with the batch's statistics when training and `mean`, `variance` when not.
FusedBatchNormOutputs FusedBatchNormV3(
    const Scope& s, const Input& x, const Input& scale, const Input& offset,
    const Input& mean, const Input& variance,
    const FusedBatchNormOptions& options = {});

struct FusedBatchNormGradOutputs {
  Output x_backprop;
  Output scale_backprop;
  Output offset_backprop;
  Output reserve_space_4;
  Output reserve_space_5;
};
FusedBatchNormGradOutputs FusedBatchNormGradV3(
    const Scope& s, const Input& y_backprop, const Input& x, const Input& scale,
    const Input& reserve_space_1, const Input& reserve_space_2,
    const Input& reserve_space_3, const FusedBatchNormOptions& options = {});

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_CONV_OPS_H_
