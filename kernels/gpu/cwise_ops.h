// The elementwise ops the GPU runs, one line each over the functors the CPU
// shares (kernels/common/elementwise_functors.h): the .cu instantiates a
// launcher per line and the kernels' .cc registers a kernel per line, for
// float and double. AddV2 reuses Add's launcher (cwise_gpu.cc).
#ifndef TG_KERNELS_GPU_CWISE_OPS_H_
#define TG_KERNELS_GPU_CWISE_OPS_H_

#define TG_GPU_UNARY_OPS(X)   \
  X("Neg", Neg)               \
  X("Square", Square)         \
  X("Abs", Abs)               \
  X("Sign", Sign)             \
  X("Sigmoid", Sigmoid)       \
  X("Tanh", Tanh)             \
  X("Relu", Relu)             \
  X("Relu6", Relu6)           \
  X("Elu", Elu)               \
  X("Exp", ExpF)              \
  X("Log", Log)               \
  X("Log1p", Log1p)           \
  X("Sqrt", Sqrt)             \
  X("Rsqrt", Rsqrt)           \
  X("Reciprocal", Reciprocal) \
  X("Softplus", Softplus)

#define TG_GPU_BINARY_OPS(X)    \
  X("Add", Add)                 \
  X("Sub", Sub)                 \
  X("Mul", Mul)                 \
  X("RealDiv", RealDiv)         \
  X("Maximum", Maximum)         \
  X("Minimum", Minimum)         \
  X("Pow", Pow)                 \
  X("SigmoidGrad", SigmoidGrad) \
  X("TanhGrad", TanhGrad)       \
  X("ReluGrad", ReluGrad)       \
  X("Relu6Grad", Relu6Grad)     \
  X("EluGrad", EluGrad)

#define TG_GPU_COMPARE_OPS(X)     \
  X("Equal", Equal)               \
  X("Greater", Greater)           \
  X("GreaterEqual", GreaterEqual) \
  X("Less", Less)                 \
  X("LessEqual", LessEqual)

#endif  // TG_KERNELS_GPU_CWISE_OPS_H_
