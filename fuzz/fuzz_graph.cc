#include "fuzz/fuzz_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "core/op_kernel.h"
#include "core/tensor_proto.h"

namespace tg {
namespace fuzz {
namespace {

using AttrDef = ::tensorgraph::OpDef::AttrDef;
using ::tensorgraph::DT_COMPLEX64;
using ::tensorgraph::DT_UINT16;
using ::tensorgraph::DT_UINT32;
using ::tensorgraph::DT_UINT64;

const std::vector<DataType>& AllDtypes() {
  static const auto* const types = new std::vector<DataType>{
      DT_FLOAT,  DT_DOUBLE, DT_INT32, DT_INT64,    DT_BOOL,
      DT_STRING, DT_UINT8,  DT_INT8,  DT_INT16,    DT_UINT16,
      DT_UINT32, DT_UINT64, DT_HALF,  DT_RESOURCE, DT_COMPLEX64};
  return *types;
}

DataType PickDtype(FuzzInput& in, const AttrDef* def) {
  if (def != nullptr && def->has_allowed_values() &&
      def->allowed_values().list().type_size() > 0 && in.Byte() < 235) {
    const auto& allowed = def->allowed_values().list().type();
    return static_cast<DataType>(allowed[in.Range(0, allowed.size() - 1)]);
  }
  if (in.Byte() < 200) {
    return in.Pick(std::vector<DataType>{DT_FLOAT, DT_DOUBLE, DT_INT32,
                                         DT_INT64, DT_BOOL});
  }
  return in.Pick(AllDtypes());
}

void RandomShapeProto(FuzzInput& in, ::tensorgraph::TensorShapeProto* s) {
  const int rank = static_cast<int>(in.Range(-1, 4));
  if (rank < 0) {
    s->set_unknown_rank(true);
    return;
  }
  for (int d = 0; d < rank; ++d) {
    s->add_dim()->set_size(in.Byte() < 220 ? in.Range(-1, 4)
                                           : in.InterestingInt());
  }
}

// A shape whose tensors are small enough to hold real values.
TensorShape SmallShape(FuzzInput& in) {
  const int rank = static_cast<int>(in.Range(0, 4));
  Dims dims;
  int64_t count = 1;
  for (int d = 0; d < rank; ++d) {
    const int64_t dim = in.Range(0, 5);
    dims.push_back(count * dim > 4096 ? 1 : dim);
    count *= dims.back();
  }
  return TensorShape(dims);
}

template <typename T>
T ValueOf(FuzzInput& in) {
  if constexpr (std::is_same_v<T, bool>) {
    return in.Bool();
  } else if constexpr (std::is_floating_point_v<T>) {
    const double d = in.InterestingDouble();
    if (std::isfinite(d) && std::abs(d) > std::numeric_limits<T>::max()) {
      return d > 0 ? std::numeric_limits<T>::infinity()
                   : -std::numeric_limits<T>::infinity();
    }
    return static_cast<T>(d);
  } else {
    return static_cast<T>(in.InterestingInt());  // Wraps: any bit pattern.
  }
}

// A tensor of `dtype` and `shape` with fuzzed values; an invalid tensor for
// dtypes a Tensor cannot hold.
Tensor RandomTensor(FuzzInput& in, DataType dtype, const TensorShape& shape) {
  absl::StatusOr<Tensor> t = Tensor::Allocate(dtype, shape);
  if (!t.ok()) return Tensor();
  if (dtype == DT_STRING) {
    // Strings may name files (SaveV2's prefix): without a '/' each is a
    // name in the working directory, the op fuzzer's scratch directory.
    for (std::string& s : t->flat<std::string>()) {
      s = in.String(6);
      std::replace(s.begin(), s.end(), '/', '_');
    }
    return *t;
  }
  DispatchDataType(dtype, [&](auto zero) {
    using T = decltype(zero);
    for (T& v : t->flat<T>()) v = ValueOf<T>(in);
  });
  return *t;
}

// How one graph's inputs are made. A hostile graph (about a third) gets
// dtype mismatches and Const protos declaring shapes of any size; the others
// get well-formed inputs, most of one shared shape or scalars, so that ops
// with many inputs (ApplyAdam has ten) still reach their kernels.
struct InputStyle {
  bool hostile = true;
  TensorShape shared;
};

TensorShape InputShape(FuzzInput& in, const InputStyle& style) {
  if (style.hostile) return SmallShape(in);
  const uint8_t b = in.Byte();
  if (b < 150) return style.shared;
  if (b < 200) return TensorShape();
  return SmallShape(in);
}

void RandomTensorProto(FuzzInput& in, DataType dtype, const InputStyle& style,
                       ::tensorgraph::TensorProto* proto) {
  if (style.hostile && in.Byte() < 30) {
    // One value (or none) declared over a shape of any size: TensorFlow's
    // broadcast form, and a request for memory no machine has.
    proto->set_dtype(dtype);
    RandomShapeProto(in, proto->mutable_tensor_shape());
    if (in.Bool())
      proto->add_float_val(static_cast<float>(in.InterestingDouble()));
    if (in.Bool())
      proto->add_int_val(static_cast<int32_t>(in.InterestingInt()));
    if (in.Bool()) proto->add_int64_val(in.InterestingInt());
    if (in.Bool()) proto->set_tensor_content(in.String(16));
    return;
  }
  Tensor t = RandomTensor(in, dtype, InputShape(in, style));
  if (t.IsInitialized()) TensorToProto(t, proto);
}

bool IsCountAttr(const OpDef& op, const std::string& name) {
  for (const auto* args : {&op.input_arg(), &op.output_arg()}) {
    for (const auto& a : *args) {
      if (a.number_attr() == name) return true;
    }
  }
  return false;
}

// Type attrs bound by one of the op's registered kernels, so that most
// graphs reach a kernel instead of stopping at "no kernel for".
using TypeBindings = std::vector<std::pair<std::string, DataType>>;

TypeBindings PickKernelTypes(FuzzInput& in, const std::string& op) {
  const std::vector<const KernelDef*> kernels =
      KernelRegistry::Global()->KernelsFor(op);
  if (kernels.empty() || in.Byte() >= 220) return {};
  return kernels[in.Range(0, kernels.size() - 1)]->constraints;
}

void SetAttr(FuzzInput& in, const OpDef& op, const AttrDef& def,
             const TypeBindings& bound, AttrValue* v) {
  const std::string& type = def.type();
  if (type == "type") {
    for (const auto& [name, dtype] : bound) {
      if (name == def.name() && in.Byte() < 240) {
        v->set_type(dtype);
        return;
      }
    }
    v->set_type(PickDtype(in, &def));
  } else if (type == "int") {
    const bool count = IsCountAttr(op, def.name());
    v->set_i(count && in.Byte() < 240 ? in.Range(0, 4) : in.InterestingInt());
  } else if (type == "float") {
    v->set_f(static_cast<float>(in.InterestingDouble()));
  } else if (type == "bool") {
    v->set_b(in.Bool());
  } else if (type == "string") {
    const auto& allowed = def.allowed_values().list().s();
    if (!allowed.empty() && in.Byte() < 240) {
      v->set_s(allowed[in.Range(0, allowed.size() - 1)]);
    } else {
      v->set_s(in.String(8));
    }
  } else if (type == "shape") {
    RandomShapeProto(in, v->mutable_shape());
  } else if (type == "tensor") {
    RandomTensorProto(in, PickDtype(in, nullptr), InputStyle(),
                      v->mutable_tensor());
  } else if (type == "list(int)") {
    auto* list = v->mutable_list();
    for (int64_t k = in.Range(0, 4); k > 0; --k)
      list->add_i(in.InterestingInt());
  } else if (type == "list(type)") {
    auto* list = v->mutable_list();
    for (int64_t k = in.Range(0, 4); k > 0; --k) {
      list->add_type(PickDtype(in, &def));
    }
  } else {
    *v = def.default_value();
  }
}

// Adds the producer of one input of type `type` and returns its tensor
// name.
std::string AddInput(FuzzInput& in, DataType type, int index,
                     const InputStyle& style, FuzzGraph* g) {
  const bool ref = IsRefType(type);
  DataType dtype = BaseType(type);
  if (style.hostile && in.Byte() > 235) {
    dtype = PickDtype(in, nullptr);  // A mismatch.
  }
  const std::string name = absl::StrCat("in", index);
  NodeDef* n = g->def.add_node();
  n->set_name(name);
  (*n->mutable_attr())["dtype"].set_type(dtype);
  const int kind = static_cast<int>(in.Range(0, ref ? 2 : 3));
  if (ref || kind == 3) {  // A variable, read by reference or by value.
    n->set_op("VariableV2");
    TensorShape shape = InputShape(in, style);
    shape.ToProto((*n->mutable_attr())["shape"].mutable_shape());
    if (in.Byte() < 230) {
      NodeDef* value = g->def.add_node();
      value->set_name(name + "/value");
      value->set_op("Const");
      (*value->mutable_attr())["dtype"].set_type(dtype);
      Tensor t = RandomTensor(in, dtype, shape);
      if (t.IsInitialized()) {
        TensorToProto(t, (*value->mutable_attr())["value"].mutable_tensor());
      }
      NodeDef* assign = g->def.add_node();
      assign->set_name(name + "/assign");
      assign->set_op("Assign");
      assign->add_input(name);
      assign->add_input(value->name());
      (*assign->mutable_attr())["T"].set_type(dtype);
      g->init_targets.push_back(assign->name());
    }
    return name;
  }
  if (kind == 0) {  // Const.
    n->set_op("Const");
    RandomTensorProto(in, dtype, style,
                      (*n->mutable_attr())["value"].mutable_tensor());
    return name;
  }
  n->set_op("Placeholder");  // Fed.
  Tensor t = RandomTensor(in, dtype, InputShape(in, style));
  if (t.IsInitialized()) g->feeds.emplace_back(name + ":0", t);
  return name;
}

}  // namespace

FuzzGraph BuildFuzzGraph(FuzzInput& in, const OpRegistration& op) {
  FuzzGraph g;
  g.def.mutable_versions()->set_producer(1882);
  NodeDef node;
  node.set_name(in.Byte() < 250 ? "node" : in.String(12));
  node.set_op(op.def.name());
  const TypeBindings bound = PickKernelTypes(in, op.def.name());
  for (const AttrDef& def : op.def.attr()) {
    if (def.has_default_value() && in.Byte() < 40) continue;
    SetAttr(in, op.def, def, bound, &(*node.mutable_attr())[def.name()]);
  }
  if (in.Byte() > 250) (*node.mutable_attr())["unknown_attr"].set_i(1);
  NodeDef typed = node;
  DataTypeVector inputs, outputs;
  if (AddDefaultsAndValidateAttrs(op.def, &typed).ok() &&
      ComputeArgTypes(op.def, typed.attr(), &inputs, &outputs).ok()) {
    InputStyle style;
    style.hostile = in.Byte() < 85;
    style.shared = SmallShape(in);
    for (size_t i = 0; i < inputs.size() && i < 64; ++i) {
      node.add_input(AddInput(in, inputs[i], static_cast<int>(i), style, &g));
    }
    for (size_t k = 0; k < outputs.size() && k < 64; ++k) {
      g.fetches.push_back(absl::StrCat(node.name(), ":", k));
    }
  }
  g.node = node.name();
  *g.def.add_node() = std::move(node);
  return g;
}

}  // namespace fuzz
}  // namespace tg
