// Optimizer updates, element by element and in place, with the same
// formulas as the CPU kernels (kernels/cpu/training_ops.cc). Scalar
// hyperparameters are read from device memory.
#include "kernels/gpu/gpu_util.cu.h"
#include "kernels/gpu/launch.h"

namespace tg {
namespace gpu {
namespace {

template <typename T>
__global__ void GradientDescentKernel(T* var, const T* alpha, const T* delta,
                                      int64_t n) {
  const T a = *alpha;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    var[i] -= a * delta[i];
  }
}

template <typename T>
__global__ void MomentumKernel(T* var, T* accum, const T* lr, const T* grad,
                               const T* momentum, bool nesterov, int64_t n) {
  const T l = *lr, m = *momentum;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    accum[i] = accum[i] * m + grad[i];
    var[i] -= nesterov ? grad[i] * l + accum[i] * m * l : l * accum[i];
  }
}

template <typename T>
__global__ void RMSPropKernel(T* var, T* mg, T* ms, T* mom, const T* lr,
                              const T* rho, const T* momentum, const T* eps,
                              const T* grad, int64_t n) {
  const T l = *lr, r = *rho, m = *momentum, e = *eps;
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    const T g = grad[i];
    ms[i] = r * ms[i] + (T(1) - r) * g * g;
    T denom = ms[i] + e;
    if (mg != nullptr) {
      mg[i] = r * mg[i] + (T(1) - r) * g;
      denom -= mg[i] * mg[i];
    }
    mom[i] = m * mom[i] + l * g / sqrt(denom);
    var[i] -= mom[i];
  }
}

template <typename T>
__global__ void AdamKernel(T* var, T* m, T* v, const T* b1p, const T* b2p,
                           const T* lr, const T* b1, const T* b2, const T* eps,
                           const T* grad, bool nesterov, int64_t n) {
  const T beta1 = *b1, beta2 = *b2, e = *eps;
  const T lr_t = *lr * sqrt(T(1) - *b2p) / (T(1) - *b1p);
  const T w_m = nesterov ? beta1 : T(1), w_g = nesterov ? T(1) - beta1 : T(0);
  for (int64_t i = GlobalIndex(); i < n; i += GlobalStride()) {
    const T g = grad[i];
    m[i] = beta1 * m[i] + (T(1) - beta1) * g;
    v[i] = beta2 * v[i] + (T(1) - beta2) * g * g;
    var[i] -= lr_t * (w_m * m[i] + w_g * g) / (sqrt(v[i]) + e);
  }
}

}  // namespace

template <typename T>
void LaunchApplyGradientDescent(cudaStream_t stream, T* var, const T* alpha,
                                const T* delta, int64_t n) {
  if (n == 0) return;
  GradientDescentKernel<T>
      <<<Blocks(n), kThreads, 0, stream>>>(var, alpha, delta, n);
}

template <typename T>
void LaunchApplyMomentum(cudaStream_t stream, T* var, T* accum, const T* lr,
                         const T* grad, const T* momentum, bool nesterov,
                         int64_t n) {
  if (n == 0) return;
  MomentumKernel<T><<<Blocks(n), kThreads, 0, stream>>>(var, accum, lr, grad,
                                                        momentum, nesterov, n);
}

template <typename T>
void LaunchApplyRMSProp(cudaStream_t stream, T* var, T* mg, T* ms, T* mom,
                        const T* lr, const T* rho, const T* momentum,
                        const T* eps, const T* grad, int64_t n) {
  if (n == 0) return;
  RMSPropKernel<T><<<Blocks(n), kThreads, 0, stream>>>(
      var, mg, ms, mom, lr, rho, momentum, eps, grad, n);
}

template <typename T>
void LaunchApplyAdam(cudaStream_t stream, T* var, T* m, T* v, const T* b1p,
                     const T* b2p, const T* lr, const T* b1, const T* b2,
                     const T* eps, const T* grad, bool nesterov, int64_t n) {
  if (n == 0) return;
  AdamKernel<T><<<Blocks(n), kThreads, 0, stream>>>(var, m, v, b1p, b2p, lr, b1,
                                                    b2, eps, grad, nesterov, n);
}

#define TG_INSTANTIATE_TRAINING(T)                                            \
  template void LaunchApplyGradientDescent<T>(cudaStream_t, T*, const T*,     \
                                              const T*, int64_t);             \
  template void LaunchApplyMomentum<T>(cudaStream_t, T*, T*, const T*,        \
                                       const T*, const T*, bool, int64_t);    \
  template void LaunchApplyRMSProp<T>(cudaStream_t, T*, T*, T*, T*, const T*, \
                                      const T*, const T*, const T*, const T*, \
                                      int64_t);                               \
  template void LaunchApplyAdam<T>(cudaStream_t, T*, T*, T*, const T*,        \
                                   const T*, const T*, const T*, const T*,    \
                                   const T*, const T*, bool, int64_t);
TG_INSTANTIATE_TRAINING(float)
TG_INSTANTIATE_TRAINING(double)

}  // namespace gpu
}  // namespace tg
