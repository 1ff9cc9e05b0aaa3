#include "graph/op_builder.h"

#include "absl/strings/str_cat.h"
#include "graph/shape_refiner.h"

namespace tg {

Output Input::ToOutput(const Scope& scope) const {
  if (!status_.ok()) {
    scope.UpdateStatus(status_);
    return Output();
  }
  if (output_.valid() || !tensor_.IsInitialized()) return output_;
  return OpBuilder(scope, "Const")
      .Attr("value", tensor_)
      .Attr("dtype", tensor_.dtype())
      .Finalize()
      .output(0);
}

OpBuilder::OpBuilder(const Scope& scope, std::string op_type)
    : scope_(scope), op_type_(std::move(op_type)), default_name_(op_type_) {}

OpBuilder& OpBuilder::DefaultName(std::string name) {
  default_name_ = std::move(name);
  return *this;
}

OpBuilder& OpBuilder::Input(const tg::Input& input) {
  // An inline constant takes its default name, not the op name meant for
  // the op it feeds.
  args_.push_back({input.ToOutput(scope_.WithOpName(""))});
  return *this;
}

OpBuilder& OpBuilder::InputList(const std::vector<Output>& inputs) {
  args_.push_back(inputs);
  return *this;
}

OpBuilder& OpBuilder::Attr(const std::string& name, const AttrValue& value) {
  attrs_[name] = value;
  return *this;
}

namespace {

// Sets type attrs from the inputs and checks inputs agree with each other
// and with fixed types.
absl::Status InferTypeAttrs(const OpDef& op,
                            const std::vector<std::vector<Output>>& args,
                            AttrMap* attrs) {
  for (int a = 0; a < op.input_arg_size(); ++a) {
    const OpDef::ArgDef& arg = op.input_arg(a);
    const std::vector<Output>& outs = args[a];
    if (!arg.number_attr().empty() && !attrs->contains(arg.number_attr())) {
      (*attrs)[arg.number_attr()] = MakeAttr(static_cast<int64_t>(outs.size()));
    }
    if (!arg.type_list_attr().empty()) {
      DataTypeVector types;
      for (const Output& o : outs) types.push_back(BaseType(o.type()));
      if (!attrs->contains(arg.type_list_attr())) {
        (*attrs)[arg.type_list_attr()] = MakeAttr(types);
      }
      continue;
    }
    for (const Output& o : outs) {
      const DataType have = BaseType(o.type());
      DataType want = arg.type();
      if (!arg.type_attr().empty()) {
        auto it = attrs->find(arg.type_attr());
        if (it == attrs->end()) {
          (*attrs)[arg.type_attr()] = MakeAttr(have);
          continue;
        }
        want = it->second.type();
      }
      if (have != want) {
        return absl::InvalidArgumentError(absl::StrCat(
            "input '", arg.name(), "' (", o.name(), ") is ", DataTypeName(have),
            " but ",
            arg.type_attr().empty() ? "the op needs"
                                    : absl::StrCat(arg.type_attr(), " is"),
            " ", DataTypeName(want)));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

Operation OpBuilder::Finalize() {
  if (!scope_.ok()) return Operation();
  const std::string name = scope_.GetUniqueNameForOp(default_name_);
  const std::string prefix = NodeErrorPrefix(op_type_, name);
  auto fail = [&](const absl::Status& s) {
    scope_.UpdateStatus(AnnotateStatus(s, prefix));
    return Operation();
  };
  absl::StatusOr<const OpRegistration*> reg =
      OpRegistry::Global()->Lookup(op_type_);
  if (!reg.ok()) return fail(reg.status());
  const OpDef& op = (*reg)->def;
  if (static_cast<int>(args_.size()) != op.input_arg_size()) {
    return fail(absl::InvalidArgumentError(
        absl::StrCat("takes ", op.input_arg_size(), " inputs but ",
                     args_.size(), " were given")));
  }
  for (const auto& arg : args_) {
    for (const Output& o : arg) {
      if (!o.valid()) {
        return fail(absl::InvalidArgumentError("an input is a null Output"));
      }
    }
  }
  NodeDef def;
  def.set_name(name);
  def.set_op(op_type_);
  def.set_device(scope_.device());
  *def.mutable_attr() = attrs_;
  absl::Status s = InferTypeAttrs(op, args_, def.mutable_attr());
  if (!s.ok()) return fail(s);
  absl::StatusOr<Node*> node = scope_.graph()->AddNode(std::move(def));
  if (!node.ok()) {
    scope_.UpdateStatus(node.status());
    return Operation();
  }
  int slot = 0;
  for (const auto& arg : args_) {
    for (const Output& o : arg) {
      s = scope_.graph()->AddEdge(o.node(), o.index(), *node, slot++);
      if (!s.ok()) {
        scope_.UpdateStatus(s);
        return Operation();
      }
    }
  }
  for (const Operation& dep : scope_.control_deps()) {
    if (dep.valid()) scope_.graph()->AddControlEdge(dep.node(), *node);
  }
  s = InferNodeShapes(*node);
  if (!s.ok()) {
    scope_.UpdateStatus(s);
    return Operation();
  }
  return Operation(*node);
}

Output UnaryOp(const Scope& s, const std::string& op, const Input& x) {
  return OpBuilder(s, op).Input(x).Finalize().output(0);
}

Output BinaryOp(const Scope& s, const std::string& op, const Input& x,
                const Input& y) {
  return OpBuilder(s, op).Input(x).Input(y).Finalize().output(0);
}

}  // namespace tg
