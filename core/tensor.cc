#include "core/tensor.h"

#include <cstring>
#include <new>

#include "absl/strings/str_cat.h"

namespace tg {

TensorBuffer::TensorBuffer(Allocator* allocator, DataType dtype,
                           int64_t num_elements)
    : allocator_(allocator), dtype_(dtype), num_elements_(num_elements) {
  bytes_ = dtype == DT_STRING ? num_elements * sizeof(std::string)
                              : num_elements * DataTypeSize(dtype);
  data_ = allocator_->Allocate(bytes_);
  if (dtype_ == DT_STRING) {
    auto* s = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) new (s + i) std::string();
  }
}

TensorBuffer::~TensorBuffer() {
  if (dtype_ == DT_STRING) {
    auto* s = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) s[i].~basic_string();
  }
  allocator_->Deallocate(data_, bytes_);
}

Tensor::Tensor(DataType dtype, const TensorShape& shape, Allocator* allocator)
    : dtype_(dtype), shape_(shape) {
  TG_CHECK(DataTypeSupported(dtype));
  buffer_ =
      std::make_shared<TensorBuffer>(allocator, dtype, shape.num_elements());
}

absl::StatusOr<Tensor> Tensor::Reshaped(const TensorShape& shape) const {
  if (shape.num_elements() != NumElements()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot reshape a tensor of ", NumElements(), " elements ",
                     shape_.DebugString(), " to ", shape.DebugString(), " (",
                     shape.num_elements(), " elements)"));
  }
  Tensor t = *this;
  t.shape_ = shape;
  return t;
}

void Tensor::CopyValuesFrom(const Tensor& other) {
  TG_CHECK(dtype_ == other.dtype_ && NumElements() == other.NumElements());
  if (dtype_ == DT_STRING) {
    auto src = other.flat<std::string>();
    auto dst = flat<std::string>();
    std::copy(src.begin(), src.end(), dst.begin());
  } else if (TotalBytes() > 0) {
    std::memcpy(raw_data(), other.raw_data(), TotalBytes());
  }
}

Tensor Tensor::DeepCopy() const {
  if (!IsInitialized()) return Tensor();
  Tensor t(dtype_, shape_, buffer_->allocator());
  t.CopyValuesFrom(*this);
  return t;
}

std::string Tensor::ValuesString(int max_entries) const {
  std::string out;
  const int64_t n = std::min<int64_t>(NumElements(), max_entries);
  auto append = [&](auto zero) {
    using T = decltype(zero);
    auto v = flat<T>();
    for (int64_t i = 0; i < n; ++i) {
      if (i > 0) out += ", ";
      if constexpr (std::is_same_v<T, bool>) {
        out += v[i] ? "true" : "false";
      } else if constexpr (sizeof(T) == 1) {
        absl::StrAppend(&out, static_cast<int>(v[i]));
      } else {
        absl::StrAppend(&out, v[i]);
      }
    }
  };
  if (dtype_ == DT_STRING) {
    auto v = flat<std::string>();
    for (int64_t i = 0; i < n; ++i) {
      absl::StrAppend(&out, i > 0 ? ", " : "", "\"", v[i], "\"");
    }
  } else {
    DispatchDataType(dtype_, append);
  }
  if (NumElements() > n) out += ", ...";
  return out;
}

std::string Tensor::DebugString(int max_entries) const {
  if (!IsInitialized()) return "<empty tensor>";
  return absl::StrCat(DataTypeName(dtype_), " ", shape_.DebugString(), " {",
                      ValuesString(max_entries), "}");
}

absl::StatusOr<std::vector<int64_t>> TensorToInt64s(const Tensor& t) {
  if (t.dtype() == DT_INT32) {
    auto v = t.flat<int32_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  if (t.dtype() == DT_INT64) {
    auto v = t.flat<int64_t>();
    return std::vector<int64_t>(v.begin(), v.end());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expected an int32 or int64 tensor, got ", DataTypeName(t.dtype())));
}

}  // namespace tg
