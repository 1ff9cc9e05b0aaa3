// CPU kernel templates for elementwise ops over a functor: UnaryCpu maps one
// tensor, BinaryCpu maps two with NumPy broadcasting. Work is split across
// the device's intra-op pool.
#ifndef TG_KERNELS_CPU_ELEMENTWISE_H_
#define TG_KERNELS_CPU_ELEMENTWISE_H_

#include "core/op_kernel.h"
#include "kernels/common/broadcast.h"

namespace tg {

template <typename T, typename F>
class UnaryCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const T* in = x.data<T>();
    const int64_t n = x.NumElements();
    // May write over x (read above; x is empty afterwards).
    TG_ASSIGN_OR_RETURN(Tensor * y, ctx.forward_input_or_allocate_output(
                                        {0}, 0, x.dtype(), x.shape()));
    T* out = y->data<T>();
    ctx.thread_pool()->ParallelFor(n, 10, [&](int64_t b, int64_t e) {
      F f;
      for (int64_t i = b; i < e; ++i) {
        out[i] = f(in[i]);
      }
    });
    return absl::OkStatus();
  }
};

template <typename T, typename Tout, typename F>
void BroadcastMap(const BroadcastPlan& plan, const T* x, const T* y,
                  Tout* out) {
  F f;
  const int rank = plan.out.rank();
  const int64_t inner = rank == 0 ? 1 : plan.out.dim_size(rank - 1);
  const int64_t xs = rank == 0 ? 0 : plan.x_strides[rank - 1];
  const int64_t ys = rank == 0 ? 0 : plan.y_strides[rank - 1];
  const int64_t rows = inner == 0 ? 0 : plan.out.num_elements() / inner;
  Dims index(rank, 0);
  int64_t xo = 0, yo = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t i = 0; i < inner; ++i) {
      out[r * inner + i] = f(x[xo + i * xs], y[yo + i * ys]);
    }
    // Advance the odometer over the outer dims.
    for (int d = rank - 2; d >= 0; --d) {
      xo += plan.x_strides[d];
      yo += plan.y_strides[d];
      if (++index[d] < plan.out.dim_size(d)) break;
      xo -= plan.x_strides[d] * index[d];
      yo -= plan.y_strides[d] * index[d];
      index[d] = 0;
    }
  }
}

template <typename T, typename Tout, typename F>
class BinaryCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& x = ctx.input(0);
    const Tensor& y = ctx.input(1);
    const T* xp = x.data<T>();
    const T* yp = y.data<T>();
    F f;
    const int64_t nx = x.NumElements(), ny = y.NumElements();
    // The output may take over x's or y's buffer (their pointers are read
    // above; a taken input is empty afterwards).
    if (x.shape() == y.shape()) {
      TG_ASSIGN_OR_RETURN(Tout * out,
                          ForwardOrAllocate(ctx, {0, 1}, x.shape()));
      ctx.thread_pool()->ParallelFor(nx, 4, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) out[i] = f(xp[i], yp[i]);
      });
      return absl::OkStatus();
    }
    if (ny == 1 && y.shape().rank() <= x.shape().rank()) {
      const T s = yp[0];
      TG_ASSIGN_OR_RETURN(Tout * out, ForwardOrAllocate(ctx, {0}, x.shape()));
      for (int64_t i = 0; i < nx; ++i) out[i] = f(xp[i], s);
      return absl::OkStatus();
    }
    if (nx == 1 && x.shape().rank() <= y.shape().rank()) {
      const T s = xp[0];
      TG_ASSIGN_OR_RETURN(Tout * out, ForwardOrAllocate(ctx, {1}, y.shape()));
      for (int64_t i = 0; i < ny; ++i) out[i] = f(s, yp[i]);
      return absl::OkStatus();
    }
    TG_ASSIGN_OR_RETURN(BroadcastPlan plan,
                        PlanBroadcast(x.shape(), y.shape()));
    TG_ASSIGN_OR_RETURN(Tout * out, AllocateOut(ctx, plan.out));
    BroadcastMap<T, Tout, F>(plan, xp, yp, out);
    return absl::OkStatus();
  }

 private:
  static absl::StatusOr<Tout*> ForwardOrAllocate(
      OpKernelContext& ctx, std::initializer_list<int> candidates,
      const TensorShape& shape) {
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.forward_input_or_allocate_output(
                            candidates, 0, DataTypeToEnum<Tout>::value, shape));
    return out->template data<Tout>();
  }
  static absl::StatusOr<Tout*> AllocateOut(OpKernelContext& ctx,
                                           const TensorShape& shape) {
    TG_ASSIGN_OR_RETURN(
        Tensor * out,
        ctx.allocate_output(0, DataTypeToEnum<Tout>::value, shape));
    return out->template data<Tout>();
  }
};

}  // namespace tg

#endif  // TG_KERNELS_CPU_ELEMENTWISE_H_
