// NumPy .npy files (format version 1.0, little-endian, C order): how
// tensors travel on the command line and to Python-side checks.
#ifndef TG_CORE_NPY_H_
#define TG_CORE_NPY_H_

#include <string>

#include "absl/status/statusor.h"
#include "core/tensor.h"

namespace tg {

// Supports float32/64, int8/16/32/64, uint8/16/32/64 and bool. Writes
// atomically.
absl::Status WriteNpyFile(const Tensor& tensor, const std::string& path);
// Fails naming the file on a bad magic, header, dtype, Fortran order or a
// data size that does not match the header.
absl::StatusOr<Tensor> ReadNpyFile(const std::string& path);

}  // namespace tg

#endif  // TG_CORE_NPY_H_
