#include "core/tensor.h"

#include <cstdio>
#include <cstring>
#include <limits>
#include <new>

#include "absl/strings/str_cat.h"
#include "core/resource_handle.h"

namespace tg {

TensorBuffer::TensorBuffer(Allocator* allocator, DataType dtype,
                           int64_t num_elements, void* data, size_t bytes)
    : allocator_(allocator),
      memory_space_(allocator->memory_space()),
      keep_alive_(allocator->KeepAlive()),
      dtype_(dtype),
      num_elements_(num_elements),
      bytes_(bytes),
      data_(data) {
  if (dtype_ == DT_STRING) {
    auto* s = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) new (s + i) std::string();
  } else if (dtype_ == DT_RESOURCE) {
    auto* h = static_cast<ResourceHandle*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) new (h + i) ResourceHandle();
  }
}

TensorBuffer::~TensorBuffer() {
  if (dtype_ == DT_STRING) {
    auto* s = static_cast<std::string*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) s[i].~basic_string();
  } else if (dtype_ == DT_RESOURCE) {
    auto* h = static_cast<ResourceHandle*>(data_);
    for (int64_t i = 0; i < num_elements_; ++i) h[i].~ResourceHandle();
  }
  allocator_->Deallocate(data_, bytes_);
}

absl::StatusOr<Tensor> Tensor::Allocate(DataType dtype,
                                        const TensorShape& shape,
                                        Allocator* allocator) {
  TG_REQUIRE(DataTypeSupported(dtype), InvalidArgument, "tensors of dtype ",
             DataTypeName(dtype), " are not supported");
  for (int64_t d : shape.dims()) {
    TG_REQUIRE(d >= 0, InvalidArgument, "cannot allocate a tensor of shape ",
               shape.DebugString(), ": negative dimension");
  }
  TG_REQUIRE(!IsObjectType(dtype) || allocator->host_accessible(),
             InvalidArgument, DataTypeName(dtype),
             " tensors live in host memory, not in ", allocator->MemoryName(),
             " memory");
  const int64_t n = shape.num_elements();
  const size_t element = dtype == DT_STRING     ? sizeof(std::string)
                         : dtype == DT_RESOURCE ? sizeof(ResourceHandle)
                                                : DataTypeSize(dtype);
  size_t bytes = 0;
  const bool fits =
      n < std::numeric_limits<int64_t>::max() &&
      !__builtin_mul_overflow(static_cast<size_t>(n), element, &bytes) &&
      bytes <= kMaxAllocationBytes;
  TG_REQUIRE(fits, ResourceExhausted, "cannot allocate a ", DataTypeName(dtype),
             " tensor of shape ", shape.DebugString(), ": its size overflows");
  std::shared_ptr<TensorBuffer> buffer =
      allocator->AllocateBuffer(dtype, n, bytes);
  if (buffer == nullptr) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "out of memory allocating ", bytes, " bytes for a ",
        DataTypeName(dtype), " tensor of shape ", shape.DebugString(), " (",
        allocator->DescribeUsage(), ")"));
  }
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = shape;
  t.buffer_ = std::move(buffer);
  return t;
}

std::shared_ptr<TensorBuffer> Allocator::AllocateBuffer(DataType dtype,
                                                        int64_t num_elements,
                                                        size_t bytes) {
  void* data = Allocate(bytes);
  if (data == nullptr && bytes > 0) return nullptr;
  return std::make_shared<TensorBuffer>(this, dtype, num_elements, data, bytes);
}

Tensor::Tensor(DataType dtype, const TensorShape& shape, Allocator* allocator) {
  absl::StatusOr<Tensor> t = Allocate(dtype, shape, allocator);
  if (!t.ok()) {
    std::fprintf(stderr, "tensorgraph: internal tensor allocation failed: %s\n",
                 std::string(t.status().message()).c_str());
    std::abort();
  }
  *this = *std::move(t);
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

absl::Status Tensor::CopyValuesFrom(const Tensor& other) {
  TG_CHECK(dtype_ == other.dtype_ && NumElements() == other.NumElements());
  if (dtype_ == DT_STRING) {  // Always in host memory (Allocate).
    auto src = other.flat<std::string>();
    auto dst = flat<std::string>();
    std::copy(src.begin(), src.end(), dst.begin());
    return absl::OkStatus();
  }
  if (dtype_ == DT_RESOURCE) {
    auto src = other.flat<ResourceHandle>();
    auto dst = flat<ResourceHandle>();
    std::copy(src.begin(), src.end(), dst.begin());
    return absl::OkStatus();
  }
  const size_t bytes = TotalBytes();
  if (bytes == 0) return absl::OkStatus();
  void* dst = buffer_->data();
  const void* src = other.buffer_->data();
  Allocator* to = buffer_->allocator();
  Allocator* from = other.buffer_->allocator();
  if (OnHost() && other.OnHost()) {
    std::memcpy(dst, src, bytes);
    return absl::OkStatus();
  }
  if (OnHost()) return from->CopyToHost(dst, src, bytes);
  if (other.OnHost()) return to->CopyFromHost(dst, src, bytes);
  if (memory_space() == other.memory_space()) {
    return to->CopyWithin(dst, src, bytes);
  }
  // Between two devices: through a host buffer.
  TG_ASSIGN_OR_RETURN(Tensor staging, other.ToHost());
  return to->CopyFromHost(dst, staging.buffer_->data(), bytes);
}

absl::StatusOr<Tensor> Tensor::CheckedDeepCopy(Allocator* allocator) const {
  if (!IsInitialized()) return Tensor();
  TG_ASSIGN_OR_RETURN(Tensor t, Allocate(dtype_, shape_, allocator));
  TG_RETURN_IF_ERROR(t.CopyValuesFrom(*this));
  return t;
}

Tensor Tensor::DeepCopy() const {
  if (!IsInitialized()) return Tensor();
  Tensor t(dtype_, shape_, buffer_->allocator());
  absl::Status s = t.CopyValuesFrom(*this);
  TG_CHECK(s.ok());
  return t;
}

std::string Tensor::MemoryName() const {
  return buffer_ ? buffer_->allocator()->MemoryName() : "host";
}

absl::Status Tensor::CheckOnHost(absl::string_view what) const {
  TG_REQUIRE(OnHost(), FailedPrecondition, what, " is in ", MemoryName(),
             " memory; the host reads it only through a copy (Tensor::ToHost)");
  return absl::OkStatus();
}

absl::StatusOr<Tensor> Tensor::ToHost(Allocator* host) const {
  if (OnHost()) return *this;
  return CheckedDeepCopy(host);
}

void Tensor::AbortOnDeviceAccess() const {
  std::fprintf(stderr,
               "tensorgraph: host code accessed a %s tensor %s in %s memory "
               "directly; copy it to the host first (Tensor::ToHost)\n",
               DataTypeName(dtype_).c_str(), shape_.DebugString().c_str(),
               MemoryName().c_str());
  std::abort();
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
  } else if (dtype_ == DT_RESOURCE) {
    auto v = flat<ResourceHandle>();
    for (int64_t i = 0; i < n; ++i) {
      absl::StrAppend(&out, i > 0 ? ", " : "", "<variable ", v[i].DebugString(),
                      ">");
    }
  } else {
    DispatchDataType(dtype_, append);
  }
  if (NumElements() > n) out += ", ...";
  return out;
}

std::string Tensor::DebugString(int max_entries) const {
  if (!IsInitialized()) return "<empty tensor>";
  if (!DeviceMemoryScope::Allows(memory_space())) {
    return absl::StrCat(DataTypeName(dtype_), " ", shape_.DebugString(),
                        " {in ", MemoryName(), " memory}");
  }
  return absl::StrCat(DataTypeName(dtype_), " ", shape_.DebugString(), " {",
                      ValuesString(max_entries), "}");
}

void NormalizeBools(Tensor* t) {
  if (t->dtype() != DT_BOOL) return;
  auto* bytes = static_cast<unsigned char*>(t->raw_data());
  for (int64_t i = 0; i < t->NumElements(); ++i) bytes[i] = bytes[i] != 0;
}

absl::StatusOr<std::vector<int64_t>> TensorToInt64s(const Tensor& t) {
  if (!DeviceMemoryScope::Allows(t.memory_space())) {
    return t.CheckOnHost("an int tensor of shape values");
  }
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
