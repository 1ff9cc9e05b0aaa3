#include "kernels/common/window_kernels.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {

absl::Status WindowKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(c.def().attr(), op_));
  return absl::OkStatus();
}

absl::Status WindowKernelBase::RequireNhwc(
    const OpKernelConstruction& c) const {
  TG_REQUIRE(!attrs_.nchw, Unimplemented, "data_format NCHW is not supported ",
             "by the ", c.def().op(), " kernel on ", c.device()->type(),
             ", which takes NHWC; use NHWC or place the op on a GPU");
  return absl::OkStatus();
}

absl::StatusOr<WindowGeometry> ConvForwardGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs,
                                                   ConvKind kind) {
  return ConvGeometry(attrs, ctx.input(0).shape(), ctx.input(1).shape(), kind);
}

absl::StatusOr<WindowGeometry> ConvBackpropInputGeometry(
    const OpKernelContext& ctx, const WindowAttrs& attrs, ConvKind kind) {
  const TensorShape& filter = ctx.input(1).shape();
  const TensorShape& dy = ctx.input(2).shape();
  TG_REQUIRE(filter.rank() == 4, InvalidArgument, "filter must be 4-D, got ",
             filter.DebugString());
  TG_ASSIGN_OR_RETURN(TensorShape input, ShapeFromSizes(ctx.input(0), attrs, dy,
                                                        filter.dim_size(2)));
  TG_ASSIGN_OR_RETURN(WindowGeometry g,
                      ConvGeometry(attrs, input, filter, kind));
  TG_RETURN_IF_ERROR(CheckOutBackprop(g, dy));
  return g;
}

absl::StatusOr<WindowGeometry> ConvBackpropFilterGeometry(
    const OpKernelContext& ctx, const WindowAttrs& attrs, ConvKind kind) {
  const TensorShape& dy = ctx.input(2).shape();
  TG_ASSIGN_OR_RETURN(TensorShape filter,
                      ShapeFromSizes(ctx.input(1), attrs, dy, -1));
  TG_ASSIGN_OR_RETURN(WindowGeometry g,
                      ConvGeometry(attrs, ctx.input(0).shape(), filter, kind));
  TG_RETURN_IF_ERROR(CheckOutBackprop(g, dy));
  return g;
}

absl::StatusOr<WindowGeometry> MaxPoolGradGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs,
                                                   bool grad_like_input) {
  TG_ASSIGN_OR_RETURN(WindowGeometry g,
                      PoolGeometry(attrs, ctx.input(0).shape()));
  TG_RETURN_IF_ERROR(CheckOutBackprop(g, ctx.input(1).shape()));
  const TensorShape& want = grad_like_input ? g.input : g.output;
  TG_REQUIRE(ctx.input(2).shape() == want, InvalidArgument, "grad has shape ",
             ctx.input(2).shape().DebugString(), " but must be ",
             want.DebugString(),
             grad_like_input ? ", the input's" : ", the output's");
  return g;
}

absl::StatusOr<WindowGeometry> AvgPoolGradGeometry(const OpKernelContext& ctx,
                                                   const WindowAttrs& attrs) {
  const TensorShape& dy = ctx.input(1).shape();
  TG_ASSIGN_OR_RETURN(TensorShape input,
                      ShapeFromSizes(ctx.input(0), attrs, dy, -1));
  TG_ASSIGN_OR_RETURN(WindowGeometry g, PoolGeometry(attrs, input));
  TG_RETURN_IF_ERROR(CheckOutBackprop(g, dy));
  return g;
}

}  // namespace tg
