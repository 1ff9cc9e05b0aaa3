// Shape inference: what an op's shape function sees and produces.
//
// A shape function runs when a node is added to a graph (by the C++ builder
// or on import). It reads input shapes, possibly unknown (-1 dims or unknown
// rank), attrs, and the values of constant inputs, and sets the output
// shapes. A returned error becomes the node's build error, prefixed with
// "[Op] node 'name': " by the caller.
#ifndef TG_CORE_SHAPE_INFERENCE_H_
#define TG_CORE_SHAPE_INFERENCE_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "core/attr_value.h"
#include "core/tensor.h"
#include "core/tensor_shape.h"

namespace tg {

// A shape that may be partly unknown: unknown rank, or -1 for unknown dims.
struct PartialShape {
  bool known_rank = false;
  Dims dims;

  static PartialShape Unknown() { return PartialShape(); }
  static PartialShape Scalar() { return PartialShape{true, {}}; }
  static PartialShape Of(absl::Span<const int64_t> dims) {
    return PartialShape{true, Dims(dims.begin(), dims.end())};
  }
  static PartialShape FromShape(const TensorShape& s) { return Of(s.dims()); }
  static PartialShape FromProto(const ::tensorgraph::TensorShapeProto& p);
  // Rank `rank` with every dim unknown.
  static PartialShape UnknownDims(int rank) {
    return PartialShape{true, Dims(rank, -1)};
  }

  int rank() const { return known_rank ? static_cast<int>(dims.size()) : -1; }
  bool IsFullyDefined() const;
  // True when `shape` is one of the shapes this partial shape describes.
  bool IsCompatibleWith(const TensorShape& shape) const;
  void ToProto(::tensorgraph::TensorShapeProto* p) const;
  // "[?,784]", or "<unknown>" for unknown rank.
  std::string DebugString() const;
  bool operator==(const PartialShape& o) const {
    return known_rank == o.known_rank && dims == o.dims;
  }
};

class InferenceContext {
 public:
  InferenceContext(const AttrMap* attrs, std::vector<PartialShape> inputs,
                   std::vector<const Tensor*> input_values, int num_outputs);

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  const PartialShape& input(int i) const { return inputs_[i]; }
  // The value of input i when it is a constant known at build time, or null.
  const Tensor* input_value(int i) const { return input_values_[i]; }
  // For a resource input: the shape of the variable its handle names, when
  // the graph says (the VarHandleOp's shape attr); unknown otherwise.
  PartialShape input_handle_shape(int i) const {
    return i < static_cast<int>(handle_shapes_.size()) ? handle_shapes_[i]
                                                       : PartialShape();
  }
  void set_input_handle_shapes(std::vector<PartialShape> shapes) {
    handle_shapes_ = std::move(shapes);
  }
  const AttrMap& attrs() const { return *attrs_; }
  template <typename T>
  absl::StatusOr<T> GetAttr(absl::string_view name) const {
    return tg::GetAttr<T>(*attrs_, name);
  }

  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  void set_output(int i, PartialShape s) { outputs_[i] = std::move(s); }
  const std::vector<PartialShape>& outputs() const { return outputs_; }

  // Fails unless input i has rank `rank` (or unknown rank, which then
  // becomes `rank` unknown dims in *out).
  absl::Status WithRank(int i, int rank, PartialShape* out) const;

 private:
  const AttrMap* attrs_;
  std::vector<PartialShape> inputs_;
  std::vector<const Tensor*> input_values_;
  std::vector<PartialShape> outputs_;
  std::vector<PartialShape> handle_shapes_;
};

using ShapeFn = std::function<absl::Status(InferenceContext&)>;

// NumPy broadcasting of two shapes; fails when a pair of known dims differ
// and neither is 1.
absl::Status BroadcastShapes(const PartialShape& a, const PartialShape& b,
                             PartialShape* out);

// The shape a 1-D shape tensor input `i` describes (Fill's dims,
// Reshape's shape, BroadcastTo, the random ops): its values when the input
// is a constant, else as many unknown dims as its known length, else
// unknown. Fails unless the input is a vector (of at most kMaxRank values,
// each >= -1).
absl::Status ShapeFromShapeTensor(const InferenceContext& c, int i,
                                  PartialShape* out);

// Fails unless `s` has a known rank of at most kMaxRank and dims >= -1;
// run on every shape a shape function produces.
absl::Status ValidatePartialShape(const PartialShape& s);

// Reusable shape functions.
absl::Status UnchangedShape(InferenceContext& c);  // output 0 = input 0
absl::Status ScalarShape(InferenceContext& c);
absl::Status UnknownShape(InferenceContext& c);  // every output unknown
absl::Status BroadcastBinaryShape(InferenceContext& c);
absl::Status NoOutputsShape(InferenceContext& c);

}  // namespace tg

#endif  // TG_CORE_SHAPE_INFERENCE_H_
