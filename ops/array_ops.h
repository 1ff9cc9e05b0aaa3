// Builders for array ops: placeholders, constants, shapes and identities.
// Each adds one node to the scope's graph (see graph/scope.h for errors).
#ifndef TG_OPS_ARRAY_OPS_H_
#define TG_OPS_ARRAY_OPS_H_

#include "core/shape_inference.h"
#include "graph/scope.h"

namespace tg {
namespace ops {

// A value fed at run time; `shape` may be partly unknown.
Output Placeholder(const Scope& s, DataType dtype,
                   const PartialShape& shape = PartialShape::Unknown());
Output PlaceholderWithDefault(const Scope& s, const Input& input,
                              const PartialShape& shape);
Output Const(const Scope& s, const Input& value);
// A scalar constant of dtype `dtype` (float, double or integer).
Output ScalarConst(const Scope& s, double value, DataType dtype);
Output Identity(const Scope& s, const Input& input);
Output StopGradient(const Scope& s, const Input& input);
Operation NoOp(const Scope& s);
Output Reshape(const Scope& s, const Input& tensor, const Input& shape);
Output Shape(const Scope& s, const Input& input, DataType out_type = DT_INT32);
Output Fill(const Scope& s, const Input& dims, const Input& value);
Output ZerosLike(const Scope& s, const Input& x);
Output OnesLike(const Scope& s, const Input& x);

struct BroadcastGradientArgsOutputs {
  Output r0, r1;
};
// The axes to sum over to undo the broadcasting of shapes s0 and s1.
BroadcastGradientArgsOutputs BroadcastGradientArgs(const Scope& s,
                                                   const Input& s0,
                                                   const Input& s1);

}  // namespace ops
}  // namespace tg

#endif  // TG_OPS_ARRAY_OPS_H_
