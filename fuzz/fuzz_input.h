// FuzzInput: reads the fuzzer's bytes as a stream of decisions, so that a
// fuzz target can be structure-aware (choose an op, a dtype, a shape, a
// value) while every byte sequence still decodes to something. Past the end
// every read returns zeros, which decode to the simplest choice.
//
// Also the small file helpers the reader targets share: the readers under
// test take paths, so the bytes go to a per-process scratch file first.
#ifndef TG_FUZZ_FUZZ_INPUT_H_
#define TG_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tg {
namespace fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool Bool() { return Byte() & 1; }
  // A uniform-ish choice in [lo, hi] (hi - lo < 2^32).
  int64_t Range(int64_t lo, int64_t hi);
  uint64_t Bits64();
  // Mostly small values around zero; now and then an extreme one
  // (INT64_MIN/MAX, 2^31, 2^32, 2^62, -1, a huge dim).
  int64_t InterestingInt();
  // Mostly small values; now and then NaN, +-Inf, -0, denormals, huge.
  double InterestingDouble();
  // Up to `max_len` bytes, any values (control characters, invalid UTF-8).
  std::string String(size_t max_len);
  template <typename T>
  const T& Pick(const std::vector<T>& options) {
    return options[static_cast<size_t>(Range(0, options.size() - 1))];
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The scratch directory of this process, made on first use under $TMPDIR
// (or /tmp) as tg_fuzz.<pid> and removed at exit, and a way to empty it.
const std::string& ScratchDir();
void EmptyScratchDir();

// Writes `size` bytes to `<scratch dir>/<name>` and returns the path.
std::string WriteScratchFile(const std::string& name, const uint8_t* data,
                             size_t size);

// The memory limit every fuzz target runs under (256 MiB): far below
// libFuzzer's own malloc limit, so that a refused allocation shows as the
// ResourceExhausted status under test and never as a fuzzer "crash".
void UseFuzzMemoryLimit();

}  // namespace fuzz
}  // namespace tg

#endif  // TG_FUZZ_FUZZ_INPUT_H_
