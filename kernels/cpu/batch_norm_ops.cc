// FusedBatchNormV3 and FusedBatchNormGradV3 on the CPU, NHWC and NCHW,
// with TensorFlow's statistics: the normalization uses the biased batch
// variance, the running variance output the unbiased one, both blended
// with exponential_avg_factor. Sums accumulate in double.
#include <cmath>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "kernels/common/batch_norm_kernels.h"

namespace tg {
namespace {

template <typename T>
class FusedBatchNormCpu : public BatchNormKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    TG_ASSIGN_OR_RETURN(ChannelView v, CheckForwardInputs(ctx));
    const int64_t c = v.channels;
    std::vector<double> mean(c), var(c);
    if (is_training_) {
      Moments(x.data<T>(), v, mean, var);
    } else {
      for (int64_t i = 0; i < c; ++i) {
        mean[i] = ctx.input(3).data<T>()[i];
        var[i] = ctx.input(4).data<T>()[i];
      }
    }
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    Normalize(x.data<T>(), v, mean, var, ctx, y->data<T>());
    return WriteStatistics(ctx, v, mean, var);
  }

 private:
  static void Moments(const T* x, const ChannelView& v,
                      std::vector<double>& mean, std::vector<double>& var) {
    const double n = static_cast<double>(v.count());
    v.ForEach([&](int64_t c, int64_t i) { mean[c] += x[i]; });
    for (double& m : mean) m = n > 0 ? m / n : std::nan("");
    v.ForEach([&](int64_t c, int64_t i) {
      const double d = x[i] - mean[c];
      var[c] += d * d;
    });
    for (double& s : var) s = n > 0 ? s / n : std::nan("");
  }

  void Normalize(const T* x, const ChannelView& v,
                 const std::vector<double>& mean,
                 const std::vector<double>& var, const OpKernelContext& ctx,
                 T* y) const {
    const T* scale = ctx.input(1).data<T>();
    const T* offset = ctx.input(2).data<T>();
    std::vector<T> a(v.channels), b(v.channels);
    for (int64_t c = 0; c < v.channels; ++c) {
      const double r = 1.0 / std::sqrt(var[c] + epsilon_);
      a[c] = static_cast<T>(scale[c] * r);
      b[c] = static_cast<T>(offset[c] - mean[c] * scale[c] * r);
    }
    v.ForEach([&](int64_t c, int64_t i) { y[i] = x[i] * a[c] + b[c]; });
  }

  // Outputs 1-5: the running statistics, the batch's for the gradient, and
  // an empty reserve_space_3.
  absl::Status WriteStatistics(OpKernelContext& ctx, const ChannelView& v,
                               const std::vector<double>& mean,
                               const std::vector<double>& var) {
    const int64_t c = v.channels;
    const DataType u = ctx.input(1).dtype();
    std::vector<T*> out(5);
    for (int i = 1; i <= 4; ++i) {
      TG_ASSIGN_OR_RETURN(Tensor * t,
                          ctx.allocate_output(i, u, TensorShape({c})));
      out[i] = t->data<T>();
    }
    TG_ASSIGN_OR_RETURN(Tensor * r3,
                        ctx.allocate_output(5, u, TensorShape({0})));
    (void)r3;
    const double n = static_cast<double>(v.count());
    const double bessel = n > 1 ? n / (n - 1) : 1.0;
    const bool blend = is_training_ && factor_ != 1.0;
    for (int64_t i = 0; i < c; ++i) {
      double run_mean = mean[i],
             run_var = is_training_ ? var[i] * bessel : var[i];
      if (blend) {
        run_mean =
            (1 - factor_) * ctx.input(3).data<T>()[i] + factor_ * run_mean;
        run_var = (1 - factor_) * ctx.input(4).data<T>()[i] + factor_ * run_var;
      }
      out[1][i] = static_cast<T>(run_mean);
      out[2][i] = static_cast<T>(run_var);
      out[3][i] = static_cast<T>(mean[i]);
      out[4][i] = static_cast<T>(var[i]);
    }
    return absl::OkStatus();
  }
};

template <typename T>
class FusedBatchNormGradCpu : public BatchNormKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& dy = ctx.input(0);
    const Tensor& x = ctx.input(1);
    TG_ASSIGN_OR_RETURN(ChannelView v, CheckGradInputs(ctx));
    const int64_t c = v.channels;
    const T* g = dy.data<T>();
    const T* in = x.data<T>();
    const T* scale = ctx.input(2).data<T>();
    const T* mean = ctx.input(3).data<T>();
    const T* var = ctx.input(4).data<T>();
    std::vector<double> r(c), sum_dy(c), sum_dy_xc(c);
    for (int64_t i = 0; i < c; ++i) r[i] = 1.0 / std::sqrt(var[i] + epsilon_);
    v.ForEach([&](int64_t ch, int64_t i) {
      sum_dy[ch] += g[i];
      sum_dy_xc[ch] += g[i] * (in[i] - mean[ch]);
    });
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, x.dtype(), x.shape()));
    T* out = dx->data<T>();
    const double n = static_cast<double>(v.count());
    if (is_training_) {
      v.ForEach([&](int64_t ch, int64_t i) {
        const double xc = in[i] - mean[ch];
        out[i] = static_cast<T>(
            scale[ch] * r[ch] *
            (g[i] - sum_dy[ch] / n - xc * r[ch] * r[ch] * sum_dy_xc[ch] / n));
      });
    } else {
      v.ForEach([&](int64_t ch, int64_t i) {
        out[i] = static_cast<T>(g[i] * scale[ch] * r[ch]);
      });
    }
    const DataType u = ctx.input(2).dtype();
    TG_ASSIGN_OR_RETURN(Tensor * ds,
                        ctx.allocate_output(1, u, TensorShape({c})));
    TG_ASSIGN_OR_RETURN(Tensor * db,
                        ctx.allocate_output(2, u, TensorShape({c})));
    for (int64_t i = 0; i < c; ++i) {
      ds->data<T>()[i] = static_cast<T>(sum_dy_xc[i] * r[i]);
      db->data<T>()[i] = static_cast<T>(sum_dy[i]);
    }
    for (int i = 3; i <= 4; ++i) {
      TG_RETURN_IF_ERROR(ctx.allocate_output(i, u, TensorShape({0})).status());
    }
    return absl::OkStatus();
  }
};

#define TG_CPU_BATCH_NORM(T)                           \
  TG_REGISTER_KERNEL(CpuKernel("FusedBatchNormV3")     \
                         .TypeConstraint<T>("T")       \
                         .TypeConstraint<T>("U"),      \
                     FusedBatchNormCpu<T>);            \
  TG_REGISTER_KERNEL(CpuKernel("FusedBatchNormGradV3") \
                         .TypeConstraint<T>("T")       \
                         .TypeConstraint<T>("U"),      \
                     FusedBatchNormGradCpu<T>)
TG_CPU_BATCH_NORM(float);
TG_CPU_BATCH_NORM(double);
#undef TG_CPU_BATCH_NORM

}  // namespace
}  // namespace tg
