#include "core/tensor_proto.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/checked_math.h"
#include "core/resource_handle.h"

namespace tg {
namespace {

using ::tensorgraph::TensorProto;

// Fills `out` from a typed repeated field: zeros when empty, the last value
// repeated when short.
template <typename T, typename Field>
void FillFromField(const Field& field, absl::Span<T> out) {
  const int64_t m = field.size();
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    if (m == 0) {
      out[i] = T();
    } else {
      out[i] = static_cast<T>(field.Get(static_cast<int>(i < m ? i : m - 1)));
    }
  }
}

// Calls fn(field) with the typed repeated field that holds T's values.
template <typename T, typename Fn>
auto WithTypedField(const TensorProto& p, Fn&& fn) {
  if constexpr (std::is_same_v<T, float>) {
    return fn(p.float_val());
  } else if constexpr (std::is_same_v<T, double>) {
    return fn(p.double_val());
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return fn(p.int64_val());
  } else if constexpr (std::is_same_v<T, bool>) {
    return fn(p.bool_val());
  } else if constexpr (std::is_same_v<T, uint32_t>) {
    return fn(p.uint32_val());
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return fn(p.uint64_val());
  } else if constexpr (std::is_same_v<T, std::string>) {
    return fn(p.string_val());
  } else {
    // int32, int16, int8, uint8, uint16 all travel in int_val.
    return fn(p.int_val());
  }
}

template <typename T>
void FillTyped(const TensorProto& p, Tensor* t) {
  WithTypedField<T>(p, [&](const auto& field) {
    FillFromField(field, t->flat<T>());
    return 0;
  });
}

template <typename T>
void WriteTyped(const Tensor& t, TensorProto* p) {
  for (T v : t.flat<T>()) {
    if constexpr (std::is_same_v<T, float>) {
      p->add_float_val(v);
    } else if constexpr (std::is_same_v<T, double>) {
      p->add_double_val(v);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      p->add_int64_val(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      p->add_bool_val(v);
    } else if constexpr (std::is_same_v<T, uint32_t>) {
      p->add_uint32_val(v);
    } else if constexpr (std::is_same_v<T, uint64_t>) {
      p->add_uint64_val(v);
    } else {
      p->add_int_val(static_cast<int32_t>(v));
    }
  }
}

}  // namespace

int64_t TensorProtoValueCount(const TensorProto& proto) {
  const DataType dtype = proto.dtype();
  if (!proto.tensor_content().empty() && !IsObjectType(dtype)) {
    const size_t size = DataTypeSize(dtype);
    return size == 0
               ? 0
               : static_cast<int64_t>(proto.tensor_content().size() / size);
  }
  if (dtype == DT_STRING) return proto.string_val_size();
  if (dtype == DT_RESOURCE) return proto.resource_handle_val_size();
  int64_t count = 0;
  DispatchDataType(dtype, [&](auto zero) {
    count = WithTypedField<decltype(zero)>(
        proto, [](const auto& field) { return int64_t{field.size()}; });
  });
  return count;
}

absl::StatusOr<Tensor> TensorFromProto(const TensorProto& proto,
                                       Allocator* allocator) {
  if (!allocator->host_accessible()) {
    // Decoded on the host, then copied into the device's memory.
    TG_ASSIGN_OR_RETURN(Tensor host, TensorFromProto(proto, CpuAllocator()));
    return host.CheckedDeepCopy(allocator);
  }
  const DataType dtype = proto.dtype();
  TG_REQUIRE(DataTypeSupported(dtype), Unimplemented, "tensors of dtype ",
             DataTypeName(dtype), " are not supported");
  TG_ASSIGN_OR_RETURN(TensorShape shape,
                      TensorShape::FromProto(proto.tensor_shape()));
  const int64_t n = shape.num_elements();
  const bool packed = !proto.tensor_content().empty();
  TG_REQUIRE(!packed || !IsObjectType(dtype), Unimplemented,
             DataTypeName(dtype),
             " tensors packed in tensor_content are not supported");
  if (packed) {
    // Compare in elements first: a byte count of a huge shape overflows.
    const size_t size = DataTypeSize(dtype);
    const size_t have = proto.tensor_content().size();
    TG_REQUIRE(have % size == 0 && static_cast<int64_t>(have / size) == n,
               InvalidArgument, "tensor_content holds ", have, " bytes but a ",
               DataTypeName(dtype), " tensor of shape ", shape.DebugString(),
               " needs ", SaturatingMul(n, static_cast<int64_t>(size)),
               " bytes");
  } else {
    const int64_t values = TensorProtoValueCount(proto);
    TG_REQUIRE(values <= n, InvalidArgument, "the proto holds ", values,
               " values but a tensor of shape ", shape.DebugString(),
               " has only ", n, " elements");
  }
  TG_ASSIGN_OR_RETURN(Tensor t, Tensor::Allocate(dtype, shape, allocator));
  if (dtype == DT_STRING) {
    FillFromField(proto.string_val(), t.flat<std::string>());
  } else if (dtype == DT_RESOURCE) {
    auto handles = t.flat<ResourceHandle>();
    for (int64_t i = 0; i < n && i < proto.resource_handle_val_size(); ++i) {
      handles[i] = ResourceHandleFromProto(proto.resource_handle_val(i));
    }
  } else if (packed) {
    std::memcpy(t.raw_data(), proto.tensor_content().data(), t.TotalBytes());
    if (dtype == DT_BOOL) NormalizeBools(&t);
  } else {
    DispatchDataType(dtype,
                     [&](auto zero) { FillTyped<decltype(zero)>(proto, &t); });
  }
  return t;
}

void TensorToProto(const Tensor& tensor, TensorProto* proto) {
  proto->Clear();
  proto->set_dtype(tensor.dtype());
  tensor.shape().ToProto(proto->mutable_tensor_shape());
  if (tensor.dtype() == DT_STRING) {
    for (const std::string& s : tensor.flat<std::string>()) {
      proto->add_string_val(s);
    }
    return;
  }
  if (tensor.dtype() == DT_RESOURCE) {
    for (const ResourceHandle& h : tensor.flat<ResourceHandle>()) {
      ResourceHandleToProto(h, proto->add_resource_handle_val());
    }
    return;
  }
  if (tensor.NumElements() > 1) {
    proto->set_tensor_content(static_cast<const char*>(tensor.raw_data()),
                              tensor.TotalBytes());
    return;
  }
  DispatchDataType(tensor.dtype(), [&](auto zero) {
    WriteTyped<decltype(zero)>(tensor, proto);
  });
}

}  // namespace tg
