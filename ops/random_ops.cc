// Random ops: schemas, shape functions and builders. Not differentiable.
#include "ops/random_ops.h"

#include "graph/gradients.h"
#include "graph/op_builder.h"
#include "ops/op_types.h"

namespace tg {
namespace {

absl::Status ShapeFromInputValue(InferenceContext& c) {
  PartialShape out;
  TG_RETURN_IF_ERROR(ShapeFromShapeTensor(c, 0, &out));
  c.set_output(0, std::move(out));
  return absl::OkStatus();
}

#define TG_RANDOM_OP(NAME)              \
  TG_REGISTER_OP(NAME)                  \
      .Input("shape: T")                \
      .Output("output: dtype")          \
      .Attr("seed: int = 0")            \
      .Attr("seed2: int = 0")           \
      .Attr("dtype: " TG_FLOAT_TYPES)   \
      .Attr("T: " TG_INDEX_TYPES)       \
      .SetIsStateful()                  \
      .SetShapeFn(ShapeFromInputValue); \
  TG_REGISTER_NO_GRADIENT_OP(NAME)

TG_RANDOM_OP("RandomStandardNormal");
TG_RANDOM_OP("RandomUniform");
TG_RANDOM_OP("TruncatedNormal");
#undef TG_RANDOM_OP

}  // namespace

namespace ops {

namespace {
Output Random(const char* op, const Scope& s, const Input& shape,
              DataType dtype, int64_t seed, int64_t seed2) {
  return OpBuilder(s, op)
      .Input(shape)
      .Attr("dtype", dtype)
      .Attr("seed", seed)
      .Attr("seed2", seed2)
      .Finalize();
}
}  // namespace

Output RandomStandardNormal(const Scope& s, const Input& shape, DataType dtype,
                            int64_t seed, int64_t seed2) {
  return Random("RandomStandardNormal", s, shape, dtype, seed, seed2);
}
Output RandomUniform(const Scope& s, const Input& shape, DataType dtype,
                     int64_t seed, int64_t seed2) {
  return Random("RandomUniform", s, shape, dtype, seed, seed2);
}
Output TruncatedNormal(const Scope& s, const Input& shape, DataType dtype,
                       int64_t seed, int64_t seed2) {
  return Random("TruncatedNormal", s, shape, dtype, seed, seed2);
}

}  // namespace ops
}  // namespace tg
