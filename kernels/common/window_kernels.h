// What the convolution and pooling kernels of every device share: their
// attrs parsed once at Init, and the geometry of each call checked against
// its inputs (sizes tensors, out_backprop shapes) before any memory is
// touched.
#ifndef TG_KERNELS_COMMON_WINDOW_KERNELS_H_
#define TG_KERNELS_COMMON_WINDOW_KERNELS_H_

#include "core/conv_geometry.h"
#include "core/op_kernel.h"
#include "core/status.h"

namespace tg {

class WindowKernelBase : public OpKernel {
 public:
  explicit WindowKernelBase(WindowOp op) : op_(op) {}
  absl::Status Init(OpKernelConstruction& c) override;

 protected:
  // Unimplemented unless data_format is NHWC: for kernels (the CPU's) that
  // take only NHWC.
  absl::Status RequireNhwc(const OpKernelConstruction& c) const;

  WindowAttrs attrs_;

 private:
  WindowOp op_;
};

class ConvKernelBase : public WindowKernelBase {
 public:
  ConvKernelBase() : WindowKernelBase(WindowOp::kConv) {}
};
class PoolKernelBase : public WindowKernelBase {
 public:
  PoolKernelBase() : WindowKernelBase(WindowOp::kPool) {}
};

// For kernels (the CPU's) that take NHWC only: Init fails with
// Unimplemented, naming the device, for NCHW.
template <typename Base>
class NhwcOnly : public Base {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_RETURN_IF_ERROR(Base::Init(c));
    return this->RequireNhwc(c);
  }
};
using NhwcConvKernelBase = NhwcOnly<ConvKernelBase>;
using NhwcPoolKernelBase = NhwcOnly<PoolKernelBase>;

// Conv2D / DepthwiseConv2dNative: input 0 and filter 1.
absl::StatusOr<WindowGeometry> ConvForwardGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs,
                                                   ConvKind kind);
// The input backprops: input_sizes 0, filter 1, out_backprop 2.
absl::StatusOr<WindowGeometry> ConvBackpropInputGeometry(
    const OpKernelContext& ctx, const WindowAttrs& attrs, ConvKind kind);
// The filter backprops: input 0, filter_sizes 1, out_backprop 2.
absl::StatusOr<WindowGeometry> ConvBackpropFilterGeometry(
    const OpKernelContext& ctx, const WindowAttrs& attrs, ConvKind kind);
// MaxPoolGrad / MaxPoolGradGrad: orig_input 0, orig_output 1 (shaped as the
// pool's output) and grad 2, shaped like the output (`grad_like_input`
// false) or the input (true).
absl::StatusOr<WindowGeometry> MaxPoolGradGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs,
                                                   bool grad_like_input);
// AvgPoolGrad: orig_input_shape 0, grad 1.
absl::StatusOr<WindowGeometry> AvgPoolGradGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_WINDOW_KERNELS_H_
