// Tensor: a dtype, a shape and a reference-counted buffer on some device.
//
// Copying a Tensor is cheap and shares the buffer (like TensorFlow's); use
// DeepCopy() for an independent one. A default-constructed Tensor has dtype
// DT_INVALID and no buffer. Buffers are 64-byte aligned (core/allocator.h).
// Element access checks the dtype; a mismatch is a bug and aborts.
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

// Owns one allocation. For DT_STRING it also constructs and destroys the
// std::string elements.
class TensorBuffer {
 public:
  TensorBuffer(Allocator* allocator, DataType dtype, int64_t num_elements);
  ~TensorBuffer();
  TensorBuffer(const TensorBuffer&) = delete;
  TensorBuffer& operator=(const TensorBuffer&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  Allocator* allocator() const { return allocator_; }

 private:
  Allocator* allocator_;
  DataType dtype_;
  int64_t num_elements_;
  size_t bytes_;
  void* data_;
};

class Tensor {
 public:
  Tensor() = default;
  // Allocates an uninitialized buffer (strings start empty). Aborts on an
  // unsupported dtype: callers validate dtypes from user input first.
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
  // Size of the flat buffer (0 for strings).
  size_t TotalBytes() const { return NumElements() * DataTypeSize(dtype_); }
  bool IsInitialized() const { return dtype_ != DT_INVALID; }

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

  void* raw_data() const { return buffer_ ? buffer_->data() : nullptr; }
  bool SharesBufferWith(const Tensor& other) const {
    return buffer_ != nullptr && buffer_ == other.buffer_;
  }

  // Same buffer viewed with another shape of the same element count.
  absl::StatusOr<Tensor> Reshaped(const TensorShape& shape) const;
  Tensor DeepCopy() const;
  // Copies the values of `other` (same dtype and element count) into this
  // tensor's existing buffer.
  void CopyValuesFrom(const Tensor& other);

  // "float [2,3] {1, 2, 3, 4, 5, 6}" with at most `max_entries` values.
  std::string DebugString(int max_entries = 6) const;
  // Up to `max_entries` values, comma separated.
  std::string ValuesString(int max_entries) const;

 private:
  void CheckType(DataType t) const { TG_CHECK(dtype_ == t); }

  DataType dtype_ = DT_INVALID;
  TensorShape shape_;
  std::shared_ptr<TensorBuffer> buffer_;
};

// The values of an int32 or int64 tensor (shapes, axes, dims) as int64.
absl::StatusOr<std::vector<int64_t>> TensorToInt64s(const Tensor& t);

}  // namespace tg

#endif  // TG_CORE_TENSOR_H_
