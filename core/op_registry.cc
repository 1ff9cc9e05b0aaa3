#include "core/op_registry.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace tg {

OpRegistry* OpRegistry::Global() {
  static OpRegistry* const registry = new OpRegistry();
  return registry;
}

absl::Status OpRegistry::Register(OpRegistration reg) {
  const std::string name = reg.def.name();
  if (!ops_.emplace(name, std::move(reg)).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("op '", name, "' is registered twice"));
  }
  return absl::OkStatus();
}

const OpRegistration* OpRegistry::Find(absl::string_view op) const {
  auto it = ops_.find(op);
  return it == ops_.end() ? nullptr : &it->second;
}

absl::StatusOr<const OpRegistration*> OpRegistry::Lookup(
    absl::string_view op) const {
  const OpRegistration* reg = Find(op);
  if (reg == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("op type '", op, "' is not registered in tensorgraph"));
  }
  return reg;
}

std::vector<std::string> OpRegistry::ListOps() const {
  std::vector<std::string> names;
  for (const auto& [name, reg] : ops_) names.push_back(name);
  return names;
}

std::string NodeErrorPrefix(absl::string_view op, absl::string_view node) {
  return absl::StrCat("[", SafeText(op, 60), "] node '", SafeText(node), "': ");
}

// ---------------------------------------------------------------------------
// Spec parsing.

OpDefBuilder::OpDefBuilder(std::string name) : name_(std::move(name)) {}
OpDefBuilder& OpDefBuilder::Input(std::string spec) {
  inputs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::Output(std::string spec) {
  outputs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::Attr(std::string spec) {
  attrs_.push_back(std::move(spec));
  return *this;
}
OpDefBuilder& OpDefBuilder::SetIsStateful() {
  stateful_ = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetIsCommutative() {
  commutative_ = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetIsAggregate() {
  aggregate_ = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetAllowsUninitializedInput() {
  allows_uninitialized_ = true;
  return *this;
}
OpDefBuilder& OpDefBuilder::SetShapeFn(ShapeFn fn) {
  shape_fn_ = std::move(fn);
  return *this;
}

namespace {

using ArgDef = OpDef::ArgDef;
using AttrDef = OpDef::AttrDef;

absl::Status SpecError(absl::string_view op, absl::string_view spec,
                       absl::string_view why) {
  return absl::InternalError(
      absl::StrCat("op '", op, "' spec '", spec, "': ", why));
}

std::string Unquote(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"')) {
    s = s.substr(1, s.size() - 2);
  }
  return std::string(s);
}

// Parses a default value written in a spec for an attr of type `type`.
absl::Status ParseDefault(absl::string_view type, absl::string_view text,
                          AttrValue* out) {
  text = absl::StripAsciiWhitespace(text);
  if (type == "bool") {
    if (text != "true" && text != "false") {
      return absl::InvalidArgumentError("bad bool default");
    }
    out->set_b(text == "true");
  } else if (type == "int") {
    int64_t v;
    if (!absl::SimpleAtoi(text, &v)) {
      return absl::InvalidArgumentError("bad int default");
    }
    out->set_i(v);
  } else if (type == "float") {
    float v;
    if (!absl::SimpleAtof(text, &v)) {
      return absl::InvalidArgumentError("bad float default");
    }
    out->set_f(v);
  } else if (type == "string") {
    out->set_s(Unquote(text));
  } else if (type == "type") {
    DataType t;
    if (!DataTypeFromString(text, &t)) {
      return absl::InvalidArgumentError("bad type default");
    }
    out->set_type(t);
  } else if (type == "shape") {
    if (text != "unknown") {
      return absl::InvalidArgumentError("shape defaults must be 'unknown'");
    }
    out->mutable_shape()->set_unknown_rank(true);
  } else if (absl::StartsWith(type, "list(")) {
    if (!absl::ConsumePrefix(&text, "[") || !absl::ConsumeSuffix(&text, "]")) {
      return absl::InvalidArgumentError("list defaults look like [1, 2]");
    }
    auto* list = out->mutable_list();
    for (absl::string_view item :
         absl::StrSplit(text, ',', absl::SkipWhitespace())) {
      item = absl::StripAsciiWhitespace(item);
      if (type == "list(int)") {
        int64_t v;
        if (!absl::SimpleAtoi(item, &v)) {
          return absl::InvalidArgumentError("bad list(int) default");
        }
        list->add_i(v);
      } else if (type == "list(string)") {
        list->add_s(Unquote(item));
      } else {
        return absl::InvalidArgumentError("unsupported list default");
      }
    }
  } else {
    return absl::InvalidArgumentError("default for this attr type");
  }
  return absl::OkStatus();
}

absl::Status ParseAttrSpec(absl::string_view op, absl::string_view spec,
                           AttrDef* attr) {
  std::pair<absl::string_view, absl::string_view> name_rest =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  attr->set_name(std::string(absl::StripAsciiWhitespace(name_rest.first)));
  absl::string_view rest = absl::StripAsciiWhitespace(name_rest.second);
  absl::string_view default_text;
  bool has_default = false;
  // '=' never appears inside a type, so the first one starts the default
  // (">=" is the minimum operator and is skipped).
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '=' && (i == 0 || rest[i - 1] != '>')) {
      default_text = rest.substr(i + 1);
      rest = absl::StripAsciiWhitespace(rest.substr(0, i));
      has_default = true;
      break;
    }
  }
  if (absl::StrContains(rest, ">=")) {
    std::pair<absl::string_view, absl::string_view> t_min =
        absl::StrSplit(rest, absl::MaxSplits(">=", 1));
    int64_t min;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(t_min.second), &min)) {
      return SpecError(op, spec, "bad minimum");
    }
    attr->set_has_minimum(true);
    attr->set_minimum(min);
    rest = absl::StripAsciiWhitespace(t_min.first);
  }
  if (absl::ConsumePrefix(&rest, "{")) {
    if (!absl::ConsumeSuffix(&rest, "}")) {
      return SpecError(op, spec, "unterminated {");
    }
    auto* allowed = attr->mutable_allowed_values()->mutable_list();
    bool strings = false;
    for (absl::string_view item :
         absl::StrSplit(rest, ',', absl::SkipWhitespace())) {
      item = absl::StripAsciiWhitespace(item);
      if (item.front() == '\'' || item.front() == '"') {
        strings = true;
        allowed->add_s(Unquote(item));
      } else {
        DataType t;
        if (!DataTypeFromString(item, &t)) {
          return SpecError(op, spec, absl::StrCat("unknown type ", item));
        }
        allowed->add_type(t);
      }
    }
    attr->set_type(strings ? "string" : "type");
  } else {
    attr->set_type(std::string(rest));
  }
  static const char* const kTypes[] = {
      "string",       "int",         "float",        "bool",
      "type",         "shape",       "tensor",       "func",
      "list(string)", "list(int)",   "list(float)",  "list(bool)",
      "list(type)",   "list(shape)", "list(tensor)", "list(func)"};
  bool known = false;
  for (const char* t : kTypes) known |= attr->type() == t;
  if (!known) return SpecError(op, spec, "unknown attr type");
  if (has_default) {
    absl::Status s =
        ParseDefault(attr->type(), default_text, attr->mutable_default_value());
    if (!s.ok()) return SpecError(op, spec, s.message());
  }
  return absl::OkStatus();
}

absl::Status ParseArgSpec(absl::string_view op, absl::string_view spec,
                          const OpDef& def, ArgDef* arg) {
  std::pair<absl::string_view, absl::string_view> name_rest =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  arg->set_name(std::string(absl::StripAsciiWhitespace(name_rest.first)));
  absl::string_view rest = absl::StripAsciiWhitespace(name_rest.second);
  if (absl::ConsumePrefix(&rest, "Ref(")) {
    if (!absl::ConsumeSuffix(&rest, ")")) return SpecError(op, spec, "Ref(");
    arg->set_is_ref(true);
  }
  if (absl::StrContains(rest, "*")) {
    std::pair<absl::string_view, absl::string_view> n_t =
        absl::StrSplit(rest, absl::MaxSplits('*', 1));
    arg->set_number_attr(std::string(absl::StripAsciiWhitespace(n_t.first)));
    rest = absl::StripAsciiWhitespace(n_t.second);
  }
  DataType fixed;
  if (DataTypeFromString(rest, &fixed)) {
    arg->set_type(fixed);
    return absl::OkStatus();
  }
  for (const AttrDef& a : def.attr()) {
    if (a.name() != rest) continue;
    if (a.type() == "type") {
      arg->set_type_attr(std::string(rest));
    } else if (a.type() == "list(type)") {
      arg->set_type_list_attr(std::string(rest));
    } else {
      return SpecError(op, spec, "arg type attr is not a type");
    }
    return absl::OkStatus();
  }
  return SpecError(op, spec, absl::StrCat("no attr named ", rest));
}

}  // namespace

absl::StatusOr<OpRegistration> OpDefBuilder::Finalize() const {
  OpRegistration reg;
  OpDef& def = reg.def;
  def.set_name(name_);
  for (const std::string& spec : attrs_) {
    TG_RETURN_IF_ERROR(ParseAttrSpec(name_, spec, def.add_attr()));
  }
  for (const std::string& spec : inputs_) {
    TG_RETURN_IF_ERROR(ParseArgSpec(name_, spec, def, def.add_input_arg()));
  }
  for (const std::string& spec : outputs_) {
    TG_RETURN_IF_ERROR(ParseArgSpec(name_, spec, def, def.add_output_arg()));
  }
  def.set_is_stateful(stateful_);
  def.set_is_commutative(commutative_);
  def.set_is_aggregate(aggregate_);
  def.set_allows_uninitialized_input(allows_uninitialized_);
  reg.shape_fn = shape_fn_ ? shape_fn_ : ShapeFn(UnknownShape);
  return reg;
}

OpRegistrar::OpRegistrar(const OpDefBuilder& builder) {
  absl::StatusOr<OpRegistration> reg = builder.Finalize();
  absl::Status s =
      reg.ok() ? OpRegistry::Global()->Register(*std::move(reg)) : reg.status();
  if (!s.ok()) {
    std::fprintf(stderr, "op registration failed: %s\n",
                 std::string(s.message()).c_str());
    std::abort();
  }
}

// ---------------------------------------------------------------------------
// Node validation.

namespace {

bool TypeMatches(const std::string& want, const AttrValue& v) {
  const std::string have = AttrValueTypeName(v);
  if (have == want) return true;
  // An empty list is a valid value of every list type.
  return have == "list" && absl::StartsWith(want, "list(");
}

absl::Status CheckAllowed(const AttrDef& def, const AttrValue& v) {
  if (!def.has_allowed_values()) return absl::OkStatus();
  const auto& allowed = def.allowed_values().list();
  if (def.type() == "type") {
    for (int t : allowed.type()) {
      if (t == v.type()) return absl::OkStatus();
    }
  } else if (def.type() == "string") {
    for (const std::string& s : allowed.s()) {
      if (s == v.s()) return absl::OkStatus();
    }
  } else {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("attr '", def.name(), "' = ", AttrValueString(v),
                   " is not one of the allowed values ",
                   AttrValueString(def.allowed_values())));
}

// A "type" attr from a file may hold any integer: only real, non-reference
// dtypes are accepted.
absl::Status CheckDataTypes(const AttrDef& def, const AttrValue& v) {
  auto valid = [](int t) {
    return tensorgraph::DataType_IsValid(t) && t != 0 && t < kDataTypeRefOffset;
  };
  if (def.type() == "type") {
    TG_REQUIRE(valid(v.type()), InvalidArgument, "attr '", def.name(),
               "' = ", static_cast<int>(v.type()), " is not a dtype");
  } else if (def.type() == "list(type)") {
    for (int t : v.list().type()) {
      TG_REQUIRE(valid(t), InvalidArgument, "attr '", def.name(), "' holds ", t,
                 ", which is not a dtype");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AddDefaultsAndValidateAttrs(const OpDef& op, NodeDef* node) {
  auto* attrs = node->mutable_attr();
  for (const AttrDef& def : op.attr()) {
    auto it = attrs->find(def.name());
    if (it == attrs->end()) {
      if (!def.has_default_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "missing attr '", def.name(), "' of type ", def.type()));
      }
      (*attrs)[def.name()] = def.default_value();
      continue;
    }
    const AttrValue& v = it->second;
    if (!TypeMatches(def.type(), v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attr '", def.name(), "' should be ", def.type(), " but is ",
          AttrValueTypeName(v).empty() ? "unset" : AttrValueTypeName(v), " ",
          AttrValueString(v)));
    }
    TG_RETURN_IF_ERROR(CheckAllowed(def, v));
    TG_RETURN_IF_ERROR(CheckDataTypes(def, v));
    if (def.has_minimum()) {
      const int64_t value =
          def.type() == "int" ? v.i()
          : v.has_list()
              ? v.list().i_size() + v.list().type_size() + v.list().s_size() +
                    v.list().shape_size() + v.list().func_size()
              : 0;
      if (value < def.minimum()) {
        return absl::InvalidArgumentError(
            absl::StrCat("attr '", def.name(), "' = ", value,
                         " is below its minimum ", def.minimum()));
      }
    }
  }
  return absl::OkStatus();
}

namespace {

absl::Status ExpandArgs(const google::protobuf::RepeatedPtrField<ArgDef>& args,
                        const AttrMap& attrs, DataTypeVector* out,
                        ArgRanges* ranges = nullptr) {
  out->clear();
  for (const ArgDef& arg : args) {
    DataTypeVector types;
    if (!arg.type_list_attr().empty()) {
      TG_ASSIGN_OR_RETURN(const AttrValue* v,
                          FindAttr(attrs, arg.type_list_attr()));
      for (int t : v->list().type()) {
        TG_REQUIRE(tensorgraph::DataType_IsValid(t), InvalidArgument, "attr '",
                   arg.type_list_attr(), "' holds ", t,
                   ", which is not a dtype");
        types.push_back(static_cast<DataType>(t));
      }
    } else {
      DataType t = arg.type();
      if (!arg.type_attr().empty()) {
        TG_ASSIGN_OR_RETURN(t, GetAttr<DataType>(attrs, arg.type_attr()));
      }
      int64_t n = 1;
      if (!arg.number_attr().empty()) {
        TG_ASSIGN_OR_RETURN(n, GetAttr<int64_t>(attrs, arg.number_attr()));
        TG_REQUIRE(n >= 0, InvalidArgument, "attr '", arg.number_attr(),
                   "' = ", n, " is negative: it counts arg '", arg.name(), "'");
        TG_REQUIRE(n <= kMaxArgListLength, ResourceExhausted, "attr '",
                   arg.number_attr(), "' = ", n, " asks for more than ",
                   kMaxArgListLength, " tensors in arg '", arg.name(), "'");
      }
      types.assign(n, t);
    }
    const int begin = static_cast<int>(out->size());
    for (DataType t : types) {
      out->push_back(arg.is_ref() ? MakeRefType(t) : t);
    }
    if (ranges != nullptr) {
      ranges->push_back({arg.name(), begin, static_cast<int>(out->size())});
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ComputeArgTypes(const OpDef& op, const AttrMap& attrs,
                             DataTypeVector* inputs, DataTypeVector* outputs) {
  TG_RETURN_IF_ERROR(ExpandArgs(op.input_arg(), attrs, inputs));
  return ExpandArgs(op.output_arg(), attrs, outputs);
}

absl::Status ComputeArgRanges(const OpDef& op, const AttrMap& attrs,
                              ArgRanges* inputs, ArgRanges* outputs) {
  DataTypeVector types;
  inputs->clear();
  outputs->clear();
  TG_RETURN_IF_ERROR(ExpandArgs(op.input_arg(), attrs, &types, inputs));
  return ExpandArgs(op.output_arg(), attrs, &types, outputs);
}

}  // namespace tg
