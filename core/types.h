// DataType traits: names, sizes, reference types and the C++ type mapping.
#ifndef TG_CORE_TYPES_H_
#define TG_CORE_TYPES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "proto/types.pb.h"

namespace tg {

using ::tensorgraph::DataType;
using ::tensorgraph::DT_BOOL;
using ::tensorgraph::DT_DOUBLE;
using ::tensorgraph::DT_FLOAT;
using ::tensorgraph::DT_HALF;
using ::tensorgraph::DT_INT16;
using ::tensorgraph::DT_INT32;
using ::tensorgraph::DT_INT64;
using ::tensorgraph::DT_INT8;
using ::tensorgraph::DT_INVALID;
using ::tensorgraph::DT_RESOURCE;
using ::tensorgraph::DT_STRING;
using ::tensorgraph::DT_UINT8;

using DataTypeVector = absl::InlinedVector<DataType, 4>;

// Offset TensorFlow adds to a base type to form its reference type.
inline constexpr int kDataTypeRefOffset = 100;

inline bool IsRefType(DataType t) { return t > kDataTypeRefOffset; }
inline DataType BaseType(DataType t) {
  return IsRefType(t) ? static_cast<DataType>(t - kDataTypeRefOffset) : t;
}
inline DataType MakeRefType(DataType t) {
  return IsRefType(t) ? t : static_cast<DataType>(t + kDataTypeRefOffset);
}

// TensorFlow's short names: "float", "int32", "float_ref", ...
std::string DataTypeName(DataType t);
std::string DataTypeVectorString(const DataTypeVector& types);

// Parses "float", "int32", "DT_FLOAT", ... Returns false if unknown.
bool DataTypeFromString(absl::string_view s, DataType* out);

// Bytes per element for fixed-width types; 0 for DT_STRING and others that
// have no flat representation.
size_t DataTypeSize(DataType t);

// True for types a Tensor can hold here (fixed-width numerics, bool, string,
// resource handles).
bool DataTypeSupported(DataType t);
// Types whose elements are C++ objects (std::string, ResourceHandle):
// constructed and destroyed with their buffer, in host memory only, never
// copied as raw bytes.
inline bool IsObjectType(DataType t) {
  return t == ::tensorgraph::DT_STRING || t == ::tensorgraph::DT_RESOURCE;
}
bool DataTypeIsFloating(DataType t);

template <typename T>
struct DataTypeToEnum;
#define TG_MATCH_TYPE_AND_ENUM(TYPE, ENUM)                 \
  template <>                                              \
  struct DataTypeToEnum<TYPE> {                            \
    static constexpr DataType value = ::tensorgraph::ENUM; \
  }
TG_MATCH_TYPE_AND_ENUM(float, DT_FLOAT);
TG_MATCH_TYPE_AND_ENUM(double, DT_DOUBLE);
TG_MATCH_TYPE_AND_ENUM(int32_t, DT_INT32);
TG_MATCH_TYPE_AND_ENUM(int64_t, DT_INT64);
TG_MATCH_TYPE_AND_ENUM(uint8_t, DT_UINT8);
TG_MATCH_TYPE_AND_ENUM(int8_t, DT_INT8);
TG_MATCH_TYPE_AND_ENUM(int16_t, DT_INT16);
TG_MATCH_TYPE_AND_ENUM(uint16_t, DT_UINT16);
TG_MATCH_TYPE_AND_ENUM(uint32_t, DT_UINT32);
TG_MATCH_TYPE_AND_ENUM(uint64_t, DT_UINT64);
TG_MATCH_TYPE_AND_ENUM(bool, DT_BOOL);
TG_MATCH_TYPE_AND_ENUM(std::string, DT_STRING);
#undef TG_MATCH_TYPE_AND_ENUM

// Calls `fn(T{})` with T the C++ type of `dtype` for the types a Tensor can
// hold. Returns false (without calling) for other dtypes.
template <typename Fn>
bool DispatchDataType(DataType dtype, Fn&& fn) {
  switch (dtype) {
    case ::tensorgraph::DT_FLOAT:
      fn(float{});
      return true;
    case ::tensorgraph::DT_DOUBLE:
      fn(double{});
      return true;
    case ::tensorgraph::DT_INT32:
      fn(int32_t{});
      return true;
    case ::tensorgraph::DT_INT64:
      fn(int64_t{});
      return true;
    case ::tensorgraph::DT_UINT8:
      fn(uint8_t{});
      return true;
    case ::tensorgraph::DT_INT8:
      fn(int8_t{});
      return true;
    case ::tensorgraph::DT_INT16:
      fn(int16_t{});
      return true;
    case ::tensorgraph::DT_UINT16:
      fn(uint16_t{});
      return true;
    case ::tensorgraph::DT_UINT32:
      fn(uint32_t{});
      return true;
    case ::tensorgraph::DT_UINT64:
      fn(uint64_t{});
      return true;
    case ::tensorgraph::DT_BOOL:
      fn(bool{});
      return true;
    default:
      return false;
  }
}

}  // namespace tg

#endif  // TG_CORE_TYPES_H_
