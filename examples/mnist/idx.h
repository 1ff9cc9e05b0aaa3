// Reader for the IDX files MNIST ships in (raw or gzip-compressed).
//
// Format: a big-endian int32 magic 0x000008NN (0x08 = unsigned bytes, NN =
// number of dims), NN big-endian int32 dim sizes, then the bytes.
#ifndef TG_EXAMPLES_MNIST_IDX_H_
#define TG_EXAMPLES_MNIST_IDX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tg {
namespace mnist {

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // Row-major, product(dims) bytes.
};

// Reads `path`; a gzip file is detected by content. Fails naming the file
// when it is missing, has a bad magic number, or its size does not match
// its header (truncated or with trailing bytes).
absl::StatusOr<IdxArray> ReadIdxFile(const std::string& path);

}  // namespace mnist
}  // namespace tg

#endif  // TG_EXAMPLES_MNIST_IDX_H_
