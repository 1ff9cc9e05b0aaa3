#include "core/tensor_proto.h"

#include <cstring>

#include "absl/strings/str_cat.h"

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
      out[i] = static_cast<T>(field.Get(i < m ? i : m - 1));
    }
  }
}

template <typename T>
void FillTyped(const TensorProto& p, Tensor* t) {
  auto out = t->flat<T>();
  if constexpr (std::is_same_v<T, float>) {
    FillFromField(p.float_val(), out);
  } else if constexpr (std::is_same_v<T, double>) {
    FillFromField(p.double_val(), out);
  } else if constexpr (std::is_same_v<T, int64_t>) {
    FillFromField(p.int64_val(), out);
  } else if constexpr (std::is_same_v<T, bool>) {
    FillFromField(p.bool_val(), out);
  } else if constexpr (std::is_same_v<T, uint32_t>) {
    FillFromField(p.uint32_val(), out);
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    FillFromField(p.uint64_val(), out);
  } else {
    // int32, int16, int8, uint8, uint16 all travel in int_val.
    FillFromField(p.int_val(), out);
  }
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

absl::StatusOr<Tensor> TensorFromProto(const TensorProto& proto) {
  const DataType dtype = proto.dtype();
  if (!DataTypeSupported(dtype)) {
    return absl::UnimplementedError(absl::StrCat(
        "tensors of dtype ", DataTypeName(dtype), " are not supported"));
  }
  TG_ASSIGN_OR_RETURN(TensorShape shape,
                      TensorShape::FromProto(proto.tensor_shape()));
  Tensor t(dtype, shape);
  const int64_t n = shape.num_elements();
  if (dtype == DT_STRING) {
    if (!proto.tensor_content().empty()) {
      return absl::UnimplementedError(
          "string tensors packed in tensor_content are not supported");
    }
    auto out = t.flat<std::string>();
    const int64_t m = proto.string_val_size();
    for (int64_t i = 0; i < n; ++i) {
      out[i] = m == 0 ? "" : proto.string_val(i < m ? i : m - 1);
    }
    return t;
  }
  if (!proto.tensor_content().empty()) {
    const size_t want = t.TotalBytes();
    if (proto.tensor_content().size() != want) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tensor_content holds ", proto.tensor_content().size(),
          " bytes but a ", DataTypeName(dtype), " tensor of shape ",
          shape.DebugString(), " needs ", want));
    }
    std::memcpy(t.raw_data(), proto.tensor_content().data(), want);
    return t;
  }
  DispatchDataType(dtype,
                   [&](auto zero) { FillTyped<decltype(zero)>(proto, &t); });
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
