// Conv2D and its backprops on the GPU through cuDNN, NHWC or NCHW, float
// and double. cuDNN takes OHWI (NHWC) or OIHW (NCHW) filters and equal
// padding on both sides, so, as TensorFlow does, the HWIO filter is
// transposed into scratch memory and padding that differs between the two
// sides (SAME with an odd total, EXPLICIT) is applied to the input
// explicitly, leaving cuDNN the equal part. Each node picks cuDNN's
// algorithms once per shape (its heuristics, cached) and takes their
// workspace from the device's memory pool.
#include <algorithm>
#include <deque>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "kernels/common/copy_plan.h"
#include "kernels/common/window_kernels.h"
#include "kernels/gpu/copy_gpu.h"
#include "kernels/gpu/gpu_kernel.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
constexpr cudnnDataType_t CudnnType() {
  return std::is_same_v<T, float> ? CUDNN_DATA_FLOAT : CUDNN_DATA_DOUBLE;
}

// The descriptors of one convolution, destroyed with it.
struct Descriptors {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  ~Descriptors() {
    const CudnnApi& api = Cudnn();
    if (x != nullptr) api.destroy_tensor(x);
    if (y != nullptr) api.destroy_tensor(y);
    if (w != nullptr) api.destroy_filter(w);
    if (conv != nullptr) api.destroy_conv(conv);
  }
};

// Where the explicit padding goes: the input grows by `extra` cells before
// and after each spatial dim; cuDNN pads `sym` on both sides.
struct PadSplit {
  int64_t sym[2], before[2], after[2];
  bool any() const { return before[0] + after[0] + before[1] + after[1] > 0; }
};

PadSplit SplitPadding(const WindowGeometry& g) {
  PadSplit p;
  const Spatial* dims[2] = {&g.h, &g.w};
  for (int d = 0; d < 2; ++d) {
    p.sym[d] = std::min(dims[d]->pad_before, dims[d]->pad_after);
    p.before[d] = dims[d]->pad_before - p.sym[d];
    p.after[d] = dims[d]->pad_after - p.sym[d];
  }
  return p;
}

// The input shape cuDNN sees: padded by the split's extra cells.
TensorShape PaddedInput(const WindowGeometry& g, const PadSplit& p) {
  return g.Shape(g.batch, g.h.in + p.before[0] + p.after[0],
                 g.w.in + p.before[1] + p.after[1], g.in_channels);
}

// The [rank, 2] paddings of the input for PlanPad / the slice back.
std::vector<int64_t> PadPairs(const WindowGeometry& g, const PadSplit& p) {
  std::vector<int64_t> pairs(8, 0);
  const int h = g.nchw ? 2 : 1;
  for (int d = 0; d < 2; ++d) {
    pairs[2 * (h + d)] = p.before[d];
    pairs[2 * (h + d) + 1] = p.after[d];
  }
  return pairs;
}

template <typename T>
absl::Status MakeDescriptors(const WindowGeometry& g, const PadSplit& p,
                             bool allow_tf32, Descriptors* d) {
  const CudnnApi& api = Cudnn();
  const cudnnTensorFormat_t format =
      g.nchw ? CUDNN_TENSOR_NCHW : CUDNN_TENSOR_NHWC;
  const TensorShape x = PaddedInput(g, p);
  const int h = g.nchw ? 2 : 1;
  TG_CUDNN_RETURN_IF_ERROR(api.create_tensor(&d->x));
  TG_CUDNN_RETURN_IF_ERROR(api.set_tensor(d->x, format, CudnnType<T>(), g.batch,
                                          g.in_channels, x.dim_size(h),
                                          x.dim_size(h + 1)));
  TG_CUDNN_RETURN_IF_ERROR(api.create_tensor(&d->y));
  TG_CUDNN_RETURN_IF_ERROR(api.set_tensor(d->y, format, CudnnType<T>(), g.batch,
                                          g.out_channels, g.h.out, g.w.out));
  TG_CUDNN_RETURN_IF_ERROR(api.create_filter(&d->w));
  TG_CUDNN_RETURN_IF_ERROR(api.set_filter(d->w, CudnnType<T>(), format,
                                          g.out_channels, g.in_channels,
                                          g.h.window, g.w.window));
  TG_CUDNN_RETURN_IF_ERROR(api.create_conv(&d->conv));
  TG_CUDNN_RETURN_IF_ERROR(api.set_conv(
      d->conv, p.sym[0], p.sym[1], g.h.stride, g.w.stride, g.h.dilation,
      g.w.dilation, CUDNN_CROSS_CORRELATION, CudnnType<T>()));
  TG_CUDNN_RETURN_IF_ERROR(
      api.set_math(d->conv, allow_tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  return absl::OkStatus();
}

// cuDNN's choice for one pass of one shape, as its heuristics rank them.
struct Algorithm {
  int algo = 0;
  size_t workspace = 0;
};

template <typename Perf, typename Fn>
absl::StatusOr<Algorithm> FirstWorking(Fn query, const char* call) {
  Perf perf[8];
  int count = 0;
  TG_RETURN_IF_ERROR(CudnnStatus(query(8, &count, perf), call));
  for (int i = 0; i < count; ++i) {
    if (perf[i].status == CUDNN_STATUS_SUCCESS) {
      return Algorithm{static_cast<int>(perf[i].algo), perf[i].memory};
    }
  }
  return absl::UnimplementedError(
      absl::StrCat(call, " found no algorithm for this convolution"));
}

enum class Pass { kForward, kData, kFilter };

absl::StatusOr<Algorithm> ChooseAlgorithm(cudnnHandle_t h, const Descriptors& d,
                                          Pass pass) {
  const CudnnApi& api = Cudnn();
  switch (pass) {
    case Pass::kForward:
      return FirstWorking<cudnnConvolutionFwdAlgoPerf_t>(
          [&](int n, int* count, cudnnConvolutionFwdAlgoPerf_t* perf) {
            return api.forward_algo(h, d.x, d.w, d.conv, d.y, n, count, perf);
          },
          "cudnnGetConvolutionForwardAlgorithm_v7");
    case Pass::kData:
      return FirstWorking<cudnnConvolutionBwdDataAlgoPerf_t>(
          [&](int n, int* count, cudnnConvolutionBwdDataAlgoPerf_t* perf) {
            return api.data_algo(h, d.w, d.y, d.conv, d.x, n, count, perf);
          },
          "cudnnGetConvolutionBackwardDataAlgorithm_v7");
    case Pass::kFilter:
      return FirstWorking<cudnnConvolutionBwdFilterAlgoPerf_t>(
          [&](int n, int* count, cudnnConvolutionBwdFilterAlgoPerf_t* perf) {
            return api.filter_algo(h, d.x, d.y, d.conv, d.w, n, count, perf);
          },
          "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
  }
  return absl::InternalError("unknown convolution pass");
}

// A node's algorithm choices by shape (the last few shapes seen).
class AlgorithmCache {
 public:
  absl::StatusOr<Algorithm> Get(cudnnHandle_t h, const WindowGeometry& g,
                                const Descriptors& d, Pass pass) {
    std::vector<int64_t> key(g.input.dims().begin(), g.input.dims().end());
    key.insert(key.end(), g.filter.dims().begin(), g.filter.dims().end());
    absl::MutexLock lock(&mu_);
    for (const auto& [k, a] : entries_) {
      if (k == key) return a;
    }
    TG_ASSIGN_OR_RETURN(Algorithm a, ChooseAlgorithm(h, d, pass));
    if (entries_.size() == 4) entries_.pop_front();
    entries_.emplace_back(std::move(key), a);
    return a;
  }

 private:
  absl::Mutex mu_;
  std::deque<std::pair<std::vector<int64_t>, Algorithm>> entries_
      ABSL_GUARDED_BY(mu_);
};

// Scratch `shape` filled from `src` by `plan`.
absl::StatusOr<Tensor> Rearranged(OpKernelContext& ctx, const LayoutPlan& plan,
                                  const Tensor& src) {
  TG_ASSIGN_OR_RETURN(Tensor t, ctx.allocate_temp(src.dtype(), plan.output));
  std::vector<const void*> sources(plan.copies.size(), src.raw_data());
  TG_RETURN_IF_ERROR(RunLayoutPlan(Stream(ctx), plan, sources, &t));
  return t;
}

// The filter as cuDNN takes it: HWIO to OHWI (NHWC) or OIHW (NCHW).
absl::StatusOr<Tensor> CudnnFilter(OpKernelContext& ctx,
                                   const WindowGeometry& g,
                                   const Tensor& hwio) {
  TG_ASSIGN_OR_RETURN(
      LayoutPlan plan,
      PlanTranspose(hwio.shape(), g.nchw ? std::vector<int64_t>{3, 2, 0, 1}
                                         : std::vector<int64_t>{3, 0, 1, 2}));
  return Rearranged(ctx, plan, hwio);
}

// What every pass needs: the node's attrs, its algorithm cache, and the
// steps around the cuDNN call.
template <typename T>
class CudnnConvBase : public ConvKernelBase {
 protected:
  struct Call {
    cudnnHandle_t handle = nullptr;
    Descriptors d;
    PadSplit pads;
    Algorithm algo;
    Tensor workspace;
  };

  absl::Status Prepare(OpKernelContext& ctx, const WindowGeometry& g, Pass pass,
                       Call* call) {
    TG_ASSIGN_OR_RETURN(CudnnHandle * h, GpuDevice(ctx)->cudnn());
    call->handle = h->get();
    call->pads = SplitPadding(g);
    TG_RETURN_IF_ERROR(MakeDescriptors<T>(
        g, call->pads, GpuDevice(ctx)->allow_tf32(), &call->d));
    TG_ASSIGN_OR_RETURN(call->algo, cache_.Get(call->handle, g, call->d, pass));
    TG_ASSIGN_OR_RETURN(
        call->workspace,
        ctx.allocate_temp(DT_UINT8,
                          TensorShape({static_cast<int64_t>(
                              std::max<size_t>(call->algo.workspace, 1))})));
    return absl::OkStatus();
  }

  // The input, padded by the cells cuDNN cannot pad.
  static absl::StatusOr<Tensor> PaddedX(OpKernelContext& ctx,
                                        const WindowGeometry& g,
                                        const Call& call, const Tensor& x) {
    if (!call.pads.any()) return x;
    TG_ASSIGN_OR_RETURN(LayoutPlan plan, PlanPad(x.shape(), TensorShape({4, 2}),
                                                 PadPairs(g, call.pads)));
    return Rearranged(ctx, plan, x);
  }

  static constexpr T kOne = 1, kZero = 0;

 private:
  AlgorithmCache cache_;
};

template <typename T>
class Conv2DGpu : public CudnnConvBase<T> {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvForwardGeometry(ctx, this->attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * y,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    if (y->NumElements() == 0) return absl::OkStatus();
    if (g.input.num_elements() == 0 || g.filter.num_elements() == 0) {
      return CudaStatus(
          cudaMemsetAsync(y->raw_data(), 0, y->TotalBytes(), Stream(ctx)),
          "cudaMemsetAsync");
    }
    typename CudnnConvBase<T>::Call call;
    TG_RETURN_IF_ERROR(this->Prepare(ctx, g, Pass::kForward, &call));
    TG_ASSIGN_OR_RETURN(Tensor x, this->PaddedX(ctx, g, call, ctx.input(0)));
    TG_ASSIGN_OR_RETURN(Tensor w, CudnnFilter(ctx, g, ctx.input(1)));
    return CudnnStatus(
        Cudnn().forward(call.handle, &this->kOne, call.d.x, x.raw_data(),
                        call.d.w, w.raw_data(), call.d.conv,
                        static_cast<cudnnConvolutionFwdAlgo_t>(call.algo.algo),
                        call.workspace.raw_data(), call.algo.workspace,
                        &this->kZero, call.d.y, y->raw_data()),
        "cudnnConvolutionForward");
  }
};

template <typename T>
class Conv2DBackpropInputGpu : public CudnnConvBase<T> {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvBackpropInputGeometry(ctx, this->attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.input));
    if (dx->NumElements() == 0) return absl::OkStatus();
    if (g.output.num_elements() == 0 || g.filter.num_elements() == 0) {
      return CudaStatus(
          cudaMemsetAsync(dx->raw_data(), 0, dx->TotalBytes(), Stream(ctx)),
          "cudaMemsetAsync");
    }
    typename CudnnConvBase<T>::Call call;
    TG_RETURN_IF_ERROR(this->Prepare(ctx, g, Pass::kData, &call));
    TG_ASSIGN_OR_RETURN(Tensor w, CudnnFilter(ctx, g, ctx.input(1)));
    Tensor padded = *dx;
    if (call.pads.any()) {
      TG_ASSIGN_OR_RETURN(
          padded, ctx.allocate_temp(dx->dtype(), PaddedInput(g, call.pads)));
    }
    TG_RETURN_IF_ERROR(CudnnStatus(
        Cudnn().backward_data(
            call.handle, &this->kOne, call.d.w, w.raw_data(), call.d.y,
            ctx.input(2).raw_data(), call.d.conv,
            static_cast<cudnnConvolutionBwdDataAlgo_t>(call.algo.algo),
            call.workspace.raw_data(), call.algo.workspace, &this->kZero,
            call.d.x, padded.raw_data()),
        "cudnnConvolutionBackwardData"));
    if (!call.pads.any()) return absl::OkStatus();
    // The gradient of the padding cells is dropped: slice the input back.
    const std::vector<int64_t> pairs = PadPairs(g, call.pads);
    std::vector<int64_t> begin(4);
    for (int d = 0; d < 4; ++d) begin[d] = pairs[2 * d];
    TG_ASSIGN_OR_RETURN(LayoutPlan plan,
                        PlanSlice(padded.shape(), begin,
                                  std::vector<int64_t>(g.input.dims().begin(),
                                                       g.input.dims().end())));
    return RunLayoutPlan(
        Stream(ctx), plan,
        std::vector<const void*>(plan.copies.size(), padded.raw_data()), dx);
  }
};

template <typename T>
class Conv2DBackpropFilterGpu : public CudnnConvBase<T> {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(
        WindowGeometry g,
        ConvBackpropFilterGeometry(ctx, this->attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * df,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.filter));
    if (df->NumElements() == 0) return absl::OkStatus();
    if (g.output.num_elements() == 0 || g.input.num_elements() == 0) {
      return CudaStatus(
          cudaMemsetAsync(df->raw_data(), 0, df->TotalBytes(), Stream(ctx)),
          "cudaMemsetAsync");
    }
    typename CudnnConvBase<T>::Call call;
    TG_RETURN_IF_ERROR(this->Prepare(ctx, g, Pass::kFilter, &call));
    TG_ASSIGN_OR_RETURN(Tensor x, this->PaddedX(ctx, g, call, ctx.input(0)));
    // cuDNN's layout of the filter, transposed back to HWIO after.
    const TensorShape cudnn_shape =
        g.nchw ? TensorShape(
                     {g.out_channels, g.in_channels, g.h.window, g.w.window})
               : TensorShape(
                     {g.out_channels, g.h.window, g.w.window, g.in_channels});
    TG_ASSIGN_OR_RETURN(Tensor dw, ctx.allocate_temp(df->dtype(), cudnn_shape));
    TG_RETURN_IF_ERROR(CudnnStatus(
        Cudnn().backward_filter(
            call.handle, &this->kOne, call.d.x, x.raw_data(), call.d.y,
            ctx.input(2).raw_data(), call.d.conv,
            static_cast<cudnnConvolutionBwdFilterAlgo_t>(call.algo.algo),
            call.workspace.raw_data(), call.algo.workspace, &this->kZero,
            call.d.w, dw.raw_data()),
        "cudnnConvolutionBackwardFilter"));
    TG_ASSIGN_OR_RETURN(
        LayoutPlan plan,
        PlanTranspose(cudnn_shape, g.nchw ? std::vector<int64_t>{2, 3, 1, 0}
                                          : std::vector<int64_t>{1, 2, 3, 0}));
    return RunLayoutPlan(
        Stream(ctx), plan,
        std::vector<const void*>(plan.copies.size(), dw.raw_data()), df);
  }
};

#define TG_GPU_CONV(T)                                                         \
  TG_REGISTER_KERNEL(GpuKernel("Conv2D").TypeConstraint<T>("T"),               \
                     Conv2DGpu<T>);                                            \
  TG_REGISTER_KERNEL(GpuKernel("Conv2DBackpropInput").TypeConstraint<T>("T"),  \
                     Conv2DBackpropInputGpu<T>);                               \
  TG_REGISTER_KERNEL(GpuKernel("Conv2DBackpropFilter").TypeConstraint<T>("T"), \
                     Conv2DBackpropFilterGpu<T>)
TG_GPU_CONV(float);
TG_GPU_CONV(double);
#undef TG_GPU_CONV

}  // namespace
}  // namespace gpu
}  // namespace tg
