// What the FusedBatchNormV3 / FusedBatchNormGradV3 kernels of every device
// share: attrs read once, x seen per channel, and the checks of each
// call's inputs.
#ifndef TG_KERNELS_COMMON_BATCH_NORM_KERNELS_H_
#define TG_KERNELS_COMMON_BATCH_NORM_KERNELS_H_

#include <cstdint>

#include "core/op_kernel.h"

namespace tg {

// x seen as [outer, C, inner]: NHWC is [N * H * W, C, 1], NCHW [N, C, H * W].
struct ChannelView {
  int64_t outer = 0, channels = 0, inner = 0;
  int64_t count() const { return outer * inner; }  // elements per channel
  // Calls fn(channel, offset) for every element, in memory order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t c = 0; c < channels; ++c) {
        const int64_t base = (o * channels + c) * inner;
        for (int64_t i = 0; i < inner; ++i) fn(c, base + i);
      }
    }
  }
};

class BatchNormKernelBase : public OpKernel {
 public:
  // epsilon, is_training, data_format (4-D NHWC or NCHW) and, for the
  // forward op, exponential_avg_factor.
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  // FusedBatchNormV3: x 4-D; scale and offset [C]; mean and variance [C],
  // or empty when training with a factor of 1.
  absl::StatusOr<ChannelView> CheckForwardInputs(
      const OpKernelContext& ctx) const;
  // FusedBatchNormGradV3: y_backprop shaped like x; scale and reserve
  // spaces 1 and 2 [C].
  absl::StatusOr<ChannelView> CheckGradInputs(const OpKernelContext& ctx) const;

  double epsilon_ = 1e-4;
  double factor_ = 1.0;
  bool is_training_ = true;
  bool nchw_ = false;

 private:
  absl::StatusOr<ChannelView> View(const Tensor& x) const;
};

}  // namespace tg

#endif  // TG_KERNELS_COMMON_BATCH_NORM_KERNELS_H_
