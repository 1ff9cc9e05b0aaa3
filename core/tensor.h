// Tensor: a dtype, a shape and a reference-counted buffer on some device.
//
// Copying a Tensor is cheap and shares the buffer (like TensorFlow's); use
// DeepCopy() for an independent one. A default-constructed Tensor has dtype
// DT_INVALID and no buffer. Buffers are 64-byte aligned (core/allocator.h).
// Element access checks the dtype; a mismatch is a bug and aborts.
//
// A tensor's buffer lives in host memory or in one device's memory (its
// allocator says which). Element access (flat, data, raw_data, scalar)
// checks that the calling code may touch that memory: host memory always,
// device memory only inside the device's own kernels (DeviceMemoryScope);
// anything else is a bug and aborts, naming the memory. Host code gets a
// device tensor's values with ToHost(), which copies through the device.
//
//   Tensor t(DT_FLOAT, {2, 3});
//   auto v = t.flat<float>();   // absl::Span<float> of 6 elements
//
// Not thread-safe for concurrent writes to the same buffer; concurrent reads
// are fine.
#ifndef TG_CORE_TENSOR_H_
#define TG_CORE_TENSOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "core/allocator.h"
#include "core/status.h"
#include "core/tensor_shape.h"
#include "core/types.h"

namespace tg {

// No tensor buffer may be larger than this (256 TiB), whatever the
// allocator: far above any machine, far below where size arithmetic wraps.
inline constexpr size_t kMaxAllocationBytes = size_t{1} << 48;

// Owns one allocation. For DT_STRING it also constructs and destroys the
// std::string elements.
class TensorBuffer {
 public:
  // Takes ownership of `data` (`bytes` long, from `allocator`).
  TensorBuffer(Allocator* allocator, DataType dtype, int64_t num_elements,
               void* data, size_t bytes);
  ~TensorBuffer();
  TensorBuffer(const TensorBuffer&) = delete;
  TensorBuffer& operator=(const TensorBuffer&) = delete;

  // Gives the buffer to a new tensor: for an allocator that hands one
  // buffer out again once it holds the only reference (never strings, and
  // at most the bytes it was made with).
  void Reuse(DataType dtype, int64_t num_elements, size_t bytes) {
    dtype_ = dtype;
    num_elements_ = num_elements;
    bytes_ = bytes;
  }

  // References an allocator keeps to the buffer for itself (an arena block
  // keeps one): Tensor::RefCountIsOne discounts them.
  int extra_owners() const { return extra_owners_; }
  void set_extra_owners(int n) { extra_owners_ = n; }

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Allocator* allocator() const { return allocator_; }
  const void* memory_space() const { return memory_space_; }

 private:
  Allocator* allocator_;
  const void* memory_space_;
  std::shared_ptr<Allocator> keep_alive_;  // See Allocator::KeepAlive.
  DataType dtype_;
  int64_t num_elements_;
  size_t bytes_;
  void* data_;
  int extra_owners_ = 0;
};

class Tensor {
 public:
  Tensor() = default;

  // The checked way to make a tensor whose size comes from input: an
  // uninitialized buffer (strings start empty) of `shape`, or
  // ResourceExhausted when its bytes overflow or the allocator refuses them
  // (out of memory, or over a memory limit), InvalidArgument for an
  // unsupported dtype or a negative dim. Nothing is allocated on failure.
  static absl::StatusOr<Tensor> Allocate(DataType dtype,
                                         const TensorShape& shape,
                                         Allocator* allocator = CpuAllocator());

  // Like Allocate, for sizes the caller knows to be small and sane (tests,
  // scalars, tensors sized by the program itself): aborts on failure.
  Tensor(DataType dtype, const TensorShape& shape,
         Allocator* allocator = CpuAllocator());

  template <typename T>
  static Tensor Scalar(T value) {
    Tensor t(DataTypeToEnum<T>::value, TensorShape());
    t.flat<T>()[0] = value;
    return t;
  }
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values,
                           const TensorShape& shape) {
    TG_CHECK(shape.num_elements() == static_cast<int64_t>(values.size()));
    Tensor t(DataTypeToEnum<T>::value, shape);
    std::copy(values.begin(), values.end(), t.flat<T>().begin());
    return t;
  }
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values) {
    return FromVector(values,
                      TensorShape({static_cast<int64_t>(values.size())}));
  }

  DataType dtype() const { return dtype_; }
  const TensorShape& shape() const { return shape_; }
  int64_t NumElements() const { return shape_.num_elements(); }
  // Size of the flat buffer (0 for strings). Never overflows: an allocated
  // tensor's byte size was checked when it was allocated.
  size_t TotalBytes() const { return NumElements() * DataTypeSize(dtype_); }
  bool IsInitialized() const { return dtype_ != DT_INVALID; }

  // The memory the buffer lives in (Allocator::memory_space; null: host).
  const void* memory_space() const {
    return buffer_ ? buffer_->memory_space() : nullptr;
  }
  bool OnHost() const { return memory_space() == nullptr; }
  // "host" or the owning device's name.
  std::string MemoryName() const;
  // FailedPrecondition naming `what` and the memory when the buffer is not
  // in host memory: for host code that must not read device memory.
  absl::Status CheckOnHost(absl::string_view what) const;
  // This tensor when it is in host memory; otherwise a copy of it in host
  // memory from `host` (a copy through the owning device).
  absl::StatusOr<Tensor> ToHost(Allocator* host = CpuAllocator()) const;

  template <typename T>
  absl::Span<T> flat() {
    CheckType(DataTypeToEnum<T>::value);
    return absl::Span<T>(static_cast<T*>(raw_data()), NumElements());
  }
  template <typename T>
  absl::Span<const T> flat() const {
    CheckType(DataTypeToEnum<T>::value);
    return absl::Span<const T>(static_cast<const T*>(raw_data()),
                               NumElements());
  }
  template <typename T>
  T* data() {
    return flat<T>().data();
  }
  template <typename T>
  const T* data() const {
    return flat<T>().data();
  }
  template <typename T>
  T scalar() const {
    TG_CHECK(NumElements() == 1);
    return flat<T>()[0];
  }

  void* raw_data() const {
    CheckAccess();
    return buffer_ ? buffer_->data() : nullptr;
  }
  // True when this tensor is the only holder of its buffer (besides the
  // allocator's own reference), so the buffer may be taken over.
  bool RefCountIsOne() const {
    return buffer_ != nullptr &&
           buffer_.use_count() == 1 + buffer_->extra_owners();
  }
  bool SharesBufferWith(const Tensor& other) const {
    return buffer_ != nullptr && buffer_ == other.buffer_;
  }

  // Same buffer viewed with another shape of the same element count.
  absl::StatusOr<Tensor> Reshaped(const TensorShape& shape) const;
  // A copy in the same allocator; for host tensors the program sized
  // (tests): aborts on failure.
  Tensor DeepCopy() const;
  // A copy in `allocator`'s memory, whichever memories the two are in;
  // fails as Allocate does, or with the device's error.
  absl::StatusOr<Tensor> CheckedDeepCopy(Allocator* allocator) const;
  // Copies the values of `other` (same dtype and element count, any
  // memory) into this tensor's existing buffer.
  absl::Status CopyValuesFrom(const Tensor& other);

  // "float [2,3] {1, 2, 3, 4, 5, 6}" with at most `max_entries` values.
  std::string DebugString(int max_entries = 6) const;
  // Up to `max_entries` values, comma separated.
  std::string ValuesString(int max_entries) const;

 private:
  void CheckType(DataType t) const {
    TG_CHECK(dtype_ == t);
    CheckAccess();
  }
  void CheckAccess() const {
    // Host memory (a null space) is always allowed: no thread-local read.
    if (buffer_ != nullptr && buffer_->memory_space() != nullptr &&
        !DeviceMemoryScope::Allows(buffer_->memory_space())) {
      AbortOnDeviceAccess();
    }
  }
  [[noreturn]] void AbortOnDeviceAccess() const;

  DataType dtype_ = DT_INVALID;
  TensorShape shape_;
  std::shared_ptr<TensorBuffer> buffer_;
};

// Rewrites every byte of a bool tensor filled from raw bytes (a file, a
// proto's tensor_content) to 0 or 1: a bool holding any other byte is
// undefined behaviour to read.
void NormalizeBools(Tensor* t);

// The values of an int32 or int64 tensor (shapes, axes, dims) as int64.
absl::StatusOr<std::vector<int64_t>> TensorToInt64s(const Tensor& t);

}  // namespace tg

#endif  // TG_CORE_TENSOR_H_
