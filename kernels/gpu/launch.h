// Launchers of the GPU kernels: plain functions over device pointers, each
// enqueuing on `stream` and returning at once. Compiled by nvcc (the .cu
// files), called from the OpKernels (the _gpu.cc files), which validate
// shapes and attrs on the host first: a launcher trusts its arguments.
// Templates are instantiated in the .cu files for the types the kernels
// register (float and double; int32/int64 indices and labels).
#ifndef TG_KERNELS_GPU_LAUNCH_H_
#define TG_KERNELS_GPU_LAUNCH_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace tg {
namespace gpu {

inline constexpr int kMaxDims = 8;

// Where a kernel reports a value it cannot use (an index or a label out of
// range) when the value lives in device memory, so the host never sees it
// before the launch: host memory the device writes directly (mapped), read
// by CudaDevice::Sync, which fails the step with the first report, naming
// the node registered as `site` (CudaDevice::RegisterErrorSite).
struct DeviceErrorReport {
  int32_t flag = 0;  // Nonzero once a kernel has reported.
  int32_t site = 0;
  int64_t position = 0;  // Where in its input the bad value was.
  int64_t value = 0;
  int64_t bound = 0;  // The value must lie in [0, bound).
};
// Where one kernel reports: the device's report and the kernel's site.
struct ErrorSite {
  DeviceErrorReport* report = nullptr;
  int32_t site = 0;
};

// Strides of x and y along each output dim (0 where broadcast).
struct BroadcastIndex {
  int rank = 0;
  int64_t out_dims[kMaxDims] = {};
  int64_t x_strides[kMaxDims] = {};
  int64_t y_strides[kMaxDims] = {};
};

template <typename F, typename T>
void LaunchUnary(cudaStream_t stream, const T* x, T* y, int64_t n);

// out[i] = F(x, y) with `bcast` (null when x and y have the output's shape;
// a scalar side has all strides 0).
template <typename F, typename T, typename Tout>
void LaunchBinary(cudaStream_t stream, const T* x, const T* y, Tout* out,
                  int64_t n, const BroadcastIndex* bcast);

// LeakyRelu and its gradient (same-shape operands) with the node's alpha.
template <typename T>
void LaunchLeakyRelu(cudaStream_t stream, const T* x, T* y, int64_t n,
                     float alpha);
template <typename T>
void LaunchLeakyReluGrad(cudaStream_t stream, const T* dy, const T* x, T* out,
                         int64_t n, float alpha);

// Every element of out: *value when value is not null, else `constant`.
template <typename T>
void LaunchFill(cudaStream_t stream, T* out, const T* value, T constant,
                int64_t n);

template <typename Src, typename Dst>
void LaunchCast(cudaStream_t stream, const Src* x, Dst* y, int64_t n);

enum class Reducer { kSum, kMean, kProd, kMax, kMin };

// Output element o reduces in[base(o) + offset(r)] over r in
// [0, num_reduce): base from the kept dims, offset from the reduced ones.
struct ReduceIndex {
  int64_t num_out = 0;
  int64_t num_reduce = 0;
  int kept_rank = 0;
  int64_t kept_dims[kMaxDims] = {};
  int64_t kept_strides[kMaxDims] = {};
  int red_rank = 0;
  int64_t red_dims[kMaxDims] = {};
  int64_t red_strides[kMaxDims] = {};
};
template <typename T>
void LaunchReduce(cudaStream_t stream, Reducer r, const T* in, T* out,
                  const ReduceIndex& index);
// A whole tensor to one value, with CUB: first ask the scratch size.
template <typename T>
size_t ReduceAllScratchBytes(Reducer r, int64_t n);
template <typename T>
void LaunchReduceAll(cudaStream_t stream, Reducer r, const T* in, T* out,
                     int64_t n, void* scratch, size_t scratch_bytes);

// sum(in^2) / 2 into out[0], accumulated in double by one block.
template <typename T>
void LaunchL2Loss(cudaStream_t stream, const T* in, T* out, int64_t n);

// in viewed as [outer, axis, inner]; the index of the first maximum (NaN
// counts as the maximum, as on the CPU).
template <typename T, typename Tout>
void LaunchArgMax(cudaStream_t stream, const T* in, Tout* out, int64_t outer,
                  int64_t axis, int64_t inner);

// Row-wise over [rows, cols].
template <typename T>
void LaunchSoftmax(cudaStream_t stream, const T* logits, T* out, int64_t rows,
                   int64_t cols, bool log);
// A label outside [0, cols) gives NaN loss and backprop for its row, as
// TensorFlow's GPU kernel does, and is reported to `error`.
template <typename T, typename L>
void LaunchSparseXent(cudaStream_t stream, const T* logits, const L* labels,
                      T* loss, T* backprop, int64_t rows, int64_t cols,
                      ErrorSite error);
template <typename T>
void LaunchXent(cudaStream_t stream, const T* logits, const T* labels, T* loss,
                T* backprop, int64_t rows, int64_t cols);

// Optimizer updates in place; scalar hyperparameters are device pointers.
template <typename T>
void LaunchApplyGradientDescent(cudaStream_t stream, T* var, const T* alpha,
                                const T* delta, int64_t n);
template <typename T>
void LaunchApplyMomentum(cudaStream_t stream, T* var, T* accum, const T* lr,
                         const T* grad, const T* momentum, bool nesterov,
                         int64_t n);
// mg null: plain RMSProp; otherwise centered.
template <typename T>
void LaunchApplyRMSProp(cudaStream_t stream, T* var, T* mg, T* ms, T* mom,
                        const T* lr, const T* rho, const T* momentum,
                        const T* eps, const T* grad, int64_t n);
template <typename T>
void LaunchApplyAdam(cudaStream_t stream, T* var, T* m, T* v, const T* b1p,
                     const T* b2p, const T* lr, const T* b1, const T* b2,
                     const T* eps, const T* grad, bool nesterov, int64_t n);

// params viewed as [outer, axis, inner]; out as [outer, num_indices, inner].
// The indices are in device memory: one outside [0, axis) gives zeros (as
// TensorFlow's GPU kernel does) and is reported to `error`.
template <typename T, typename Index>
void LaunchGather(cudaStream_t stream, const T* params, const Index* indices,
                  T* out, int64_t outer, int64_t axis, int64_t num_indices,
                  int64_t inner, ErrorSite error);

// One strided copy (kernels/common/copy_plan.h) of `element_size`-byte
// elements (1, 2, 4 or 8).
struct CopyIndex {
  int rank = 0;
  int64_t dims[kMaxDims] = {};
  int64_t src_strides[kMaxDims] = {};
  int64_t dst_strides[kMaxDims] = {};
  int64_t src_base = 0, dst_base = 0, n = 0;
};
void LaunchCopy(cudaStream_t stream, const void* src, void* dst,
                size_t element_size, const CopyIndex& index);

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_LAUNCH_H_
