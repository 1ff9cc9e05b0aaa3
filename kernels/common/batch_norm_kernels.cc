#include "kernels/common/batch_norm_kernels.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {
namespace {

// Fails unless input i is a vector of `channels` values (or, when
// `may_be_empty`, of none).
absl::Status RequireChannels(const OpKernelContext& ctx, int i,
                             const char* name, int64_t channels,
                             bool may_be_empty = false) {
  const TensorShape& s = ctx.input(i).shape();
  TG_REQUIRE(s.rank() == 1 && (s.dim_size(0) == channels ||
                               (may_be_empty && s.dim_size(0) == 0)),
             InvalidArgument, name, " must be a vector of ", channels,
             " values (one per channel of x), got shape ", s.DebugString());
  return absl::OkStatus();
}

}  // namespace

absl::Status BatchNormKernelBase::Init(OpKernelConstruction& c) {
  TG_ASSIGN_OR_RETURN(float eps, c.GetAttr<float>("epsilon"));
  TG_REQUIRE(std::isfinite(eps) && eps >= 0, InvalidArgument,
             "epsilon must be finite and non-negative, got ", eps);
  epsilon_ = eps;
  TG_ASSIGN_OR_RETURN(is_training_, c.GetAttr<bool>("is_training"));
  TG_ASSIGN_OR_RETURN(std::string format,
                      c.GetAttr<std::string>("data_format"));
  TG_REQUIRE(format == "NHWC" || format == "NCHW", Unimplemented,
             "data_format ", format,
             " is not supported: batch norm takes 4-D NHWC or NCHW");
  nchw_ = format == "NCHW";
  if (c.def().attr().count("exponential_avg_factor") > 0) {
    TG_ASSIGN_OR_RETURN(float f, c.GetAttr<float>("exponential_avg_factor"));
    TG_REQUIRE(std::isfinite(f), InvalidArgument,
               "exponential_avg_factor must be finite, got ", f);
    factor_ = f;
  }
  return absl::OkStatus();
}

absl::StatusOr<ChannelView> BatchNormKernelBase::View(const Tensor& x) const {
  const TensorShape& s = x.shape();
  TG_REQUIRE(s.rank() == 4, InvalidArgument, "x must be 4-D (",
             nchw_ ? "NCHW" : "NHWC", "), got ", s.DebugString());
  if (nchw_) {
    return ChannelView{s.dim_size(0), s.dim_size(1),
                       s.dim_size(2) * s.dim_size(3)};
  }
  return ChannelView{s.dim_size(0) * s.dim_size(1) * s.dim_size(2),
                     s.dim_size(3), 1};
}

absl::StatusOr<ChannelView> BatchNormKernelBase::CheckForwardInputs(
    const OpKernelContext& ctx) const {
  TG_ASSIGN_OR_RETURN(ChannelView v, View(ctx.input(0)));
  const bool fresh = is_training_ && factor_ == 1.0;
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 1, "scale", v.channels));
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 2, "offset", v.channels));
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 3, "mean", v.channels, fresh));
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 4, "variance", v.channels, fresh));
  return v;
}

absl::StatusOr<ChannelView> BatchNormKernelBase::CheckGradInputs(
    const OpKernelContext& ctx) const {
  const Tensor& dy = ctx.input(0);
  const Tensor& x = ctx.input(1);
  TG_ASSIGN_OR_RETURN(ChannelView v, View(x));
  TG_REQUIRE(dy.shape() == x.shape(), InvalidArgument, "y_backprop ",
             dy.shape().DebugString(), " and x ", x.shape().DebugString(),
             " must have the same shape");
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 2, "scale", v.channels));
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 3, "reserve_space_1", v.channels));
  TG_RETURN_IF_ERROR(RequireChannels(ctx, 4, "reserve_space_2", v.channels));
  return v;
}

}  // namespace tg
