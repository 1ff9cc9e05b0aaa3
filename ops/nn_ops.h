// Builders for neural-network ops.
#ifndef TG_OPS_NN_OPS_H_
#define TG_OPS_NN_OPS_H_

#include <string>

#include "graph/scope.h"

namespace tg {
namespace ops {

// value + bias along the channel axis (last for "NHWC", 1 for "NCHW").
Output BiasAdd(const Scope& s, const Input& value, const Input& bias,
               const std::string& data_format = "NHWC");
// Sums out_backprop over every axis but the channel axis.
Output BiasAddGrad(const Scope& s, const Input& out_backprop,
                   const std::string& data_format = "NHWC");
Output Relu(const Scope& s, const Input& features);
// gradients * (features > 0).
Output ReluGrad(const Scope& s, const Input& gradients, const Input& features);
// min(max(features, 0), 6).
Output Relu6(const Scope& s, const Input& features);
// gradients * (0 < features < 6).
Output Relu6Grad(const Scope& s, const Input& gradients, const Input& features);
// features for features > 0, alpha features below.
Output LeakyRelu(const Scope& s, const Input& features, float alpha = 0.2f);
// gradients where features > 0, alpha gradients below.
Output LeakyReluGrad(const Scope& s, const Input& gradients,
                     const Input& features, float alpha = 0.2f);
// features for features > 0, exp(features) - 1 below.
Output Elu(const Scope& s, const Input& features);
// From Elu's outputs: gradients where outputs > 0, gradients * (outputs + 1)
// below.
Output EluGrad(const Scope& s, const Input& gradients, const Input& outputs);
// Softmax over the last axis.
Output Softmax(const Scope& s, const Input& logits);

// log(softmax(logits)) over the last axis, computed stably.
Output LogSoftmax(const Scope& s, const Input& logits);
// sum(t^2) / 2.
Output L2Loss(const Scope& s, const Input& t);

struct SoftmaxCrossEntropyWithLogitsOutputs {
  Output loss;      // [batch]
  Output backprop;  // [batch, classes]: softmax - labels
};
// Cross-entropy of softmax(features) with label distributions (rows of
// `labels`, same shape as features).
SoftmaxCrossEntropyWithLogitsOutputs SoftmaxCrossEntropyWithLogits(
    const Scope& s, const Input& features, const Input& labels);

struct SparseSoftmaxCrossEntropyWithLogitsOutputs {
  Output loss;      // [batch]
  Output backprop;  // [batch, classes]: softmax - one_hot(labels)
};
// Cross-entropy of softmax(features) with integer labels in [0, classes).
SparseSoftmaxCrossEntropyWithLogitsOutputs SparseSoftmaxCrossEntropyWithLogits(
    const Scope& s, const Input& features, const Input& labels);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_NN_OPS_H_
