#include "core/types.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tg {
namespace {

struct TypeInfo {
  DataType type;
  const char* name;
  size_t size;
};

constexpr TypeInfo kTypes[] = {
    {::tensorgraph::DT_FLOAT, "float", 4},
    {::tensorgraph::DT_DOUBLE, "double", 8},
    {::tensorgraph::DT_INT32, "int32", 4},
    {::tensorgraph::DT_UINT8, "uint8", 1},
    {::tensorgraph::DT_INT16, "int16", 2},
    {::tensorgraph::DT_INT8, "int8", 1},
    {::tensorgraph::DT_STRING, "string", 0},
    {::tensorgraph::DT_COMPLEX64, "complex64", 8},
    {::tensorgraph::DT_INT64, "int64", 8},
    {::tensorgraph::DT_BOOL, "bool", 1},
    {::tensorgraph::DT_QINT8, "qint8", 1},
    {::tensorgraph::DT_QUINT8, "quint8", 1},
    {::tensorgraph::DT_QINT32, "qint32", 4},
    {::tensorgraph::DT_BFLOAT16, "bfloat16", 2},
    {::tensorgraph::DT_QINT16, "qint16", 2},
    {::tensorgraph::DT_QUINT16, "quint16", 2},
    {::tensorgraph::DT_UINT16, "uint16", 2},
    {::tensorgraph::DT_COMPLEX128, "complex128", 16},
    {::tensorgraph::DT_HALF, "half", 2},
    {::tensorgraph::DT_RESOURCE, "resource", 0},
    {::tensorgraph::DT_VARIANT, "variant", 0},
    {::tensorgraph::DT_UINT32, "uint32", 4},
    {::tensorgraph::DT_UINT64, "uint64", 8},
};

const TypeInfo* Find(DataType t) {
  for (const TypeInfo& info : kTypes) {
    if (info.type == t) return &info;
  }
  return nullptr;
}

}  // namespace

std::string DataTypeName(DataType t) {
  const TypeInfo* info = Find(BaseType(t));
  std::string base =
      info != nullptr ? info->name : absl::StrCat("unknown dtype ", t);
  return IsRefType(t) ? absl::StrCat(base, "_ref") : base;
}

std::string DataTypeVectorString(const DataTypeVector& types) {
  return absl::StrJoin(types, ", ", [](std::string* out, DataType t) {
    out->append(DataTypeName(t));
  });
}

bool DataTypeFromString(absl::string_view s, DataType* out) {
  if (absl::StartsWith(s, "DT_")) {
    return ::tensorgraph::DataType_Parse(std::string(s), out);
  }
  for (const TypeInfo& info : kTypes) {
    if (s == info.name) {
      *out = info.type;
      return true;
    }
  }
  return false;
}

size_t DataTypeSize(DataType t) {
  const TypeInfo* info = Find(BaseType(t));
  return info != nullptr ? info->size : 0;
}

bool DataTypeSupported(DataType t) {
  return IsObjectType(t) || DispatchDataType(t, [](auto) {});
}

bool DataTypeIsFloating(DataType t) {
  t = BaseType(t);
  return t == DT_FLOAT || t == DT_DOUBLE || t == DT_HALF ||
         t == ::tensorgraph::DT_BFLOAT16;
}

}  // namespace tg
