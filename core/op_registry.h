// The op registry: each op's schema (an OpDef in TensorFlow's form) and its
// shape function, registered at static-initialization time:
//
//   TG_REGISTER_OP("MatMul")
//       .Input("a: T")
//       .Input("b: T")
//       .Output("product: T")
//       .Attr("transpose_a: bool = false")
//       .Attr("transpose_b: bool = false")
//       .Attr("T: {float, double, int32}")
//       .SetShapeFn(MatMulShape);
//
// Arg specs: "name: T" (type attr), "name: float" (fixed type),
// "name: Ref(T)" (reference arg), "name: N * T" (list of N of type T),
// "name: Tlist" (list(type) attr). Attr specs: "name: type",
// "name: {float, double}" (allowed types), "name: int >= 1",
// "name: bool = false", "name: string = 'NHWC'", "name: {'A', 'B'} = 'A'",
// "name: shape = unknown", "name: list(int) = []". A malformed spec is a bug in
// tensorgraph and aborts at start-up.
//
// Lookups are thread-safe once static initialization is over.
#ifndef TG_CORE_OP_REGISTRY_H_
#define TG_CORE_OP_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/attr_value.h"
#include "core/shape_inference.h"
#include "core/status.h"
#include "core/types.h"
#include "proto/node_def.pb.h"
#include "proto/op_def.pb.h"

namespace tg {

using ::tensorgraph::NodeDef;
using ::tensorgraph::OpDef;

struct OpRegistration {
  OpDef def;
  ShapeFn shape_fn;
};

class OpRegistry {
 public:
  static OpRegistry* Global();

  // Fails if the name is taken.
  absl::Status Register(OpRegistration reg);
  // Null when unknown.
  const OpRegistration* Find(absl::string_view op) const;
  // NotFound error naming the op when unknown.
  absl::StatusOr<const OpRegistration*> Lookup(absl::string_view op) const;
  std::vector<std::string> ListOps() const;

 private:
  std::map<std::string, OpRegistration, std::less<>> ops_;
};

class OpDefBuilder {
 public:
  explicit OpDefBuilder(std::string name);
  OpDefBuilder& Input(std::string spec);
  OpDefBuilder& Output(std::string spec);
  OpDefBuilder& Attr(std::string spec);
  OpDefBuilder& SetIsStateful();
  OpDefBuilder& SetIsCommutative();
  OpDefBuilder& SetIsAggregate();
  OpDefBuilder& SetAllowsUninitializedInput();
  OpDefBuilder& SetShapeFn(ShapeFn fn);

  absl::StatusOr<OpRegistration> Finalize() const;

 private:
  std::string name_;
  std::vector<std::string> inputs_, outputs_, attrs_;
  bool stateful_ = false, commutative_ = false, aggregate_ = false;
  bool allows_uninitialized_ = false;
  ShapeFn shape_fn_;
};

// Registers a finalized builder; used by TG_REGISTER_OP.
struct OpRegistrar {
  OpRegistrar(const OpDefBuilder& builder);  // NOLINT: implicit by design.
};

#define TG_REGISTER_OP(name)                                          \
  static ::tg::OpRegistrar TG_CONCAT(tg_op_registrar_, __COUNTER__) = \
      ::tg::OpDefBuilder(name)

// Fills attrs that are absent from `node` with the op's defaults, then checks
// that every attr the op declares is present with the right type, an allowed
// value and its minimum. Attrs the op does not declare are kept: names
// starting with '_' are annotations, and others come from newer versions of
// an op. Errors do not carry the node prefix; callers add it.
absl::Status AddDefaultsAndValidateAttrs(const OpDef& op, NodeDef* node);

// The most tensors one list arg ("N * T") may hold; a node asking for more
// (a Split with num_split = 10^9, say) is refused with ResourceExhausted
// before anything is sized by it.
inline constexpr int64_t kMaxArgListLength = int64_t{1} << 20;

// The dtypes of a node's inputs and outputs, with list args expanded and
// reference args given reference types. Fails on a negative or too large
// list length.
absl::Status ComputeArgTypes(const OpDef& op, const AttrMap& attrs,
                             DataTypeVector* inputs, DataTypeVector* outputs);

// The tensors one arg of a node covers: [begin, end) in its expanded
// inputs or outputs.
struct ArgRange {
  std::string name;
  int begin = 0;
  int end = 0;
};
using ArgRanges = std::vector<ArgRange>;
// The range of each input and output arg, in the op's order.
absl::Status ComputeArgRanges(const OpDef& op, const AttrMap& attrs,
                              ArgRanges* inputs, ArgRanges* outputs);

// "[MatMul] node 'dense/MatMul': " — the prefix of every node error.
std::string NodeErrorPrefix(absl::string_view op, absl::string_view node);

}  // namespace tg

#endif  // TG_CORE_OP_REGISTRY_H_
