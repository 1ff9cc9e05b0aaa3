#include "core/attr_value.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/tensor_proto.h"

namespace tg {

AttrValue MakeAttr(bool v) {
  AttrValue a;
  a.set_b(v);
  return a;
}
AttrValue MakeAttr(int64_t v) {
  AttrValue a;
  a.set_i(v);
  return a;
}
AttrValue MakeAttr(float v) {
  AttrValue a;
  a.set_f(v);
  return a;
}
AttrValue MakeAttr(absl::string_view v) {
  AttrValue a;
  a.set_s(std::string(v));
  return a;
}
AttrValue MakeAttr(DataType v) {
  AttrValue a;
  a.set_type(v);
  return a;
}
AttrValue MakeAttr(const TensorShape& v) {
  AttrValue a;
  v.ToProto(a.mutable_shape());
  return a;
}
AttrValue MakeAttr(const Tensor& v) {
  AttrValue a;
  TensorToProto(v, a.mutable_tensor());
  return a;
}
AttrValue MakeAttr(const std::vector<int64_t>& v) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (int64_t x : v) list->add_i(x);
  return a;
}
AttrValue MakeAttr(const std::vector<std::string>& v) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (const std::string& x : v) list->add_s(x);
  return a;
}
AttrValue MakeAttr(const DataTypeVector& v) {
  AttrValue a;
  auto* list = a.mutable_list();
  for (DataType t : v) list->add_type(t);
  return a;
}
AttrValue MakeUnknownShapeAttr() {
  AttrValue a;
  a.mutable_shape()->set_unknown_rank(true);
  return a;
}

namespace {

std::string ShapeString(const ::tensorgraph::TensorShapeProto& s) {
  if (s.unknown_rank()) return "<unknown>";
  std::vector<std::string> dims;
  for (const auto& d : s.dim()) {
    dims.push_back(d.size() < 0 ? "?" : absl::StrCat(d.size()));
  }
  return absl::StrCat("[", absl::StrJoin(dims, ","), "]");
}

}  // namespace

std::string AttrValueString(const AttrValue& v) {
  switch (v.value_case()) {
    case AttrValue::kS:
      return absl::StrCat("\"", v.s(), "\"");
    case AttrValue::kI:
      return absl::StrCat(v.i());
    case AttrValue::kF:
      return absl::StrCat(v.f());
    case AttrValue::kB:
      return v.b() ? "true" : "false";
    case AttrValue::kType:
      return DataTypeName(v.type());
    case AttrValue::kShape:
      return ShapeString(v.shape());
    case AttrValue::kTensor:
      return absl::StrCat("<tensor ", DataTypeName(v.tensor().dtype()), " ",
                          ShapeString(v.tensor().tensor_shape()), ">");
    case AttrValue::kList: {
      const auto& l = v.list();
      std::vector<std::string> items;
      for (const auto& s : l.s()) items.push_back(absl::StrCat("\"", s, "\""));
      for (int64_t i : l.i()) items.push_back(absl::StrCat(i));
      for (float f : l.f()) items.push_back(absl::StrCat(f));
      for (bool b : l.b()) items.push_back(b ? "true" : "false");
      for (int t : l.type()) {
        items.push_back(DataTypeName(static_cast<DataType>(t)));
      }
      for (const auto& s : l.shape()) items.push_back(ShapeString(s));
      return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
    }
    case AttrValue::kFunc:
      return absl::StrCat("<func ", v.func().name(), ">");
    case AttrValue::kPlaceholder:
      return absl::StrCat("$", v.placeholder());
    case AttrValue::VALUE_NOT_SET:
      return "<no value>";
  }
  return "<?>";
}

std::string AttrValueTypeName(const AttrValue& v) {
  switch (v.value_case()) {
    case AttrValue::kS:
      return "string";
    case AttrValue::kI:
      return "int";
    case AttrValue::kF:
      return "float";
    case AttrValue::kB:
      return "bool";
    case AttrValue::kType:
      return "type";
    case AttrValue::kShape:
      return "shape";
    case AttrValue::kTensor:
      return "tensor";
    case AttrValue::kFunc:
      return "func";
    case AttrValue::kPlaceholder:
      return "placeholder";
    case AttrValue::kList: {
      const auto& l = v.list();
      if (l.s_size()) return "list(string)";
      if (l.i_size()) return "list(int)";
      if (l.f_size()) return "list(float)";
      if (l.b_size()) return "list(bool)";
      if (l.type_size()) return "list(type)";
      if (l.shape_size()) return "list(shape)";
      if (l.tensor_size()) return "list(tensor)";
      if (l.func_size()) return "list(func)";
      return "list";  // An empty list matches any list type.
    }
    case AttrValue::VALUE_NOT_SET:
      return "";
  }
  return "";
}

absl::StatusOr<const AttrValue*> FindAttr(const AttrMap& attrs,
                                          absl::string_view name) {
  auto it = attrs.find(std::string(name));
  if (it == attrs.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing attr '", name, "'"));
  }
  return &it->second;
}

namespace {

absl::Status WrongType(absl::string_view name, absl::string_view want,
                       const AttrValue& v) {
  return absl::InvalidArgumentError(absl::StrCat(
      "attr '", name, "' should be a ", want, " but is ",
      AttrValueTypeName(v).empty() ? "unset" : AttrValueTypeName(v), " ",
      AttrValueString(v)));
}

}  // namespace

#define TG_DEFINE_GET_ATTR(TYPE, WANT, CASE, EXPR)                  \
  template <>                                                       \
  absl::StatusOr<TYPE> GetAttr<TYPE>(const AttrMap& attrs,          \
                                     absl::string_view name) {      \
    TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(attrs, name)); \
    if (v->value_case() != AttrValue::CASE) {                       \
      return WrongType(name, WANT, *v);                             \
    }                                                               \
    return EXPR;                                                    \
  }

TG_DEFINE_GET_ATTR(bool, "bool", kB, v->b())
TG_DEFINE_GET_ATTR(int64_t, "int", kI, v->i())
TG_DEFINE_GET_ATTR(float, "float", kF, v->f())
TG_DEFINE_GET_ATTR(std::string, "string", kS, v->s())
TG_DEFINE_GET_ATTR(DataType, "type", kType, v->type())
TG_DEFINE_GET_ATTR(::tensorgraph::TensorShapeProto, "shape", kShape, v->shape())
#undef TG_DEFINE_GET_ATTR

template <>
absl::StatusOr<Tensor> GetAttr<Tensor>(const AttrMap& attrs,
                                       absl::string_view name) {
  TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(attrs, name));
  if (v->value_case() != AttrValue::kTensor) {
    return WrongType(name, "tensor", *v);
  }
  absl::StatusOr<Tensor> t = TensorFromProto(v->tensor());
  if (!t.ok()) {
    return AnnotateStatus(t.status(), absl::StrCat("attr '", name, "': "));
  }
  return t;
}

template <>
absl::StatusOr<std::vector<int64_t>> GetAttr<std::vector<int64_t>>(
    const AttrMap& attrs, absl::string_view name) {
  TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(attrs, name));
  if (v->value_case() != AttrValue::kList) {
    return WrongType(name, "list(int)", *v);
  }
  return std::vector<int64_t>(v->list().i().begin(), v->list().i().end());
}

template <>
absl::StatusOr<std::vector<std::string>> GetAttr<std::vector<std::string>>(
    const AttrMap& attrs, absl::string_view name) {
  TG_ASSIGN_OR_RETURN(const AttrValue* v, FindAttr(attrs, name));
  if (v->value_case() != AttrValue::kList) {
    return WrongType(name, "list(string)", *v);
  }
  return std::vector<std::string>(v->list().s().begin(), v->list().s().end());
}

}  // namespace tg
