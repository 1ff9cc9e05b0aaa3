// Small helpers for kernels that move elements around by index.
#ifndef TG_KERNELS_CPU_LAYOUT_H_
#define TG_KERNELS_CPU_LAYOUT_H_

#include "absl/status/status.h"
#include "core/tensor.h"

namespace tg {

// Kernels that copy raw bytes cannot handle std::string elements.
inline absl::Status RejectStrings(const Tensor& t) {
  if (t.dtype() == DT_STRING) {
    return absl::UnimplementedError("string tensors are not supported here");
  }
  return absl::OkStatus();
}

// Product of the dims before `axis`, and of the dims after it.
inline int64_t ElementsBefore(const TensorShape& shape, int axis) {
  int64_t n = 1;
  for (int d = 0; d < axis; ++d) n *= shape.dim_size(d);
  return n;
}
inline int64_t ElementsAfter(const TensorShape& shape, int axis) {
  int64_t n = 1;
  for (int d = axis + 1; d < shape.rank(); ++d) n *= shape.dim_size(d);
  return n;
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_LAYOUT_H_
