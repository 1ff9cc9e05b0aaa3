// Helpers for node attributes (AttrValue): construction from C++ values,
// typed reads with clear errors, and printing for error messages.
#ifndef TG_CORE_ATTR_VALUE_H_
#define TG_CORE_ATTR_VALUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/tensor.h"
#include "core/tensor_shape.h"
#include "core/types.h"
#include "google/protobuf/map.h"
#include "proto/attr_value.pb.h"

namespace tg {

using ::tensorgraph::AttrValue;
using AttrMap = google::protobuf::Map<std::string, AttrValue>;

AttrValue MakeAttr(bool v);
AttrValue MakeAttr(int64_t v);
inline AttrValue MakeAttr(int v) { return MakeAttr(static_cast<int64_t>(v)); }
AttrValue MakeAttr(float v);
AttrValue MakeAttr(absl::string_view v);
inline AttrValue MakeAttr(const char* v) {
  return MakeAttr(absl::string_view(v));
}
AttrValue MakeAttr(DataType v);
AttrValue MakeAttr(const TensorShape& v);
AttrValue MakeAttr(const Tensor& v);
AttrValue MakeAttr(const std::vector<int64_t>& v);
AttrValue MakeAttr(const DataTypeVector& v);
AttrValue MakeAttr(const std::vector<std::string>& v);
// An AttrValue for a shape whose rank is unknown.
AttrValue MakeUnknownShapeAttr();

// Short printable form: "true", "3", "float", "[2,3]", "\"NHWC\"".
std::string AttrValueString(const AttrValue& v);

// The attr type name the value holds ("int", "list(type)", ...), or "" when
// no value is set.
std::string AttrValueTypeName(const AttrValue& v);

// Typed getters. Errors name the attr and what was found.
absl::StatusOr<const AttrValue*> FindAttr(const AttrMap& attrs,
                                          absl::string_view name);
template <typename T>
absl::StatusOr<T> GetAttr(const AttrMap& attrs, absl::string_view name);

}  // namespace tg

#endif  // TG_CORE_ATTR_VALUE_H_
