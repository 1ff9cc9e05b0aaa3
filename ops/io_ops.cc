// Schemas and builders of the checkpoint and string ops (kernels in
// kernels/cpu/io_ops.cc). None is differentiable.
#include "ops/io_ops.h"

#include "graph/gradients.h"
#include "graph/op_builder.h"

namespace tg {
namespace {

// Elementwise over the inputs, scalars broadcast: the shape of the first
// input that is not a scalar.
absl::Status StringJoinShape(InferenceContext& c) {
  PartialShape out = PartialShape::Scalar();
  for (int i = 0; i < c.num_inputs(); ++i) {
    const PartialShape& in = c.input(i);
    if (in.rank() < 0) {
      out = PartialShape::Unknown();
      break;
    }
    if (in.rank() > 0) {
      out = in;
      break;
    }
  }
  c.set_output(0, out);
  return absl::OkStatus();
}

TG_REGISTER_OP("SaveV2")
    .Input("prefix: string")
    .Input("tensor_names: string")
    .Input("shape_and_slices: string")
    .Input("tensors: dtypes")
    .Attr("dtypes: list(type)")
    .SetIsStateful()
    .SetShapeFn(UnknownShape);

TG_REGISTER_OP("RestoreV2")
    .Input("prefix: string")
    .Input("tensor_names: string")
    .Input("shape_and_slices: string")
    .Output("tensors: dtypes")
    .Attr("dtypes: list(type)")
    .SetIsStateful()
    .SetShapeFn(UnknownShape);

TG_REGISTER_OP("MergeV2Checkpoints")
    .Input("checkpoint_prefixes: string")
    .Input("destination_prefix: string")
    .Attr("delete_old_dirs: bool = true")
    .Attr("allow_missing_files: bool = false")
    .SetIsStateful()
    .SetShapeFn(UnknownShape);

TG_REGISTER_OP("ShardedFilename")
    .Input("basename: string")
    .Input("shard: int32")
    .Input("num_shards: int32")
    .Output("filename: string")
    .SetShapeFn(ScalarShape);

TG_REGISTER_OP("StringJoin")
    .Input("inputs: N * string")
    .Output("output: string")
    .Attr("N: int")
    .Attr("separator: string = ''")
    .SetShapeFn(StringJoinShape);

TG_REGISTER_NO_GRADIENT_OP("SaveV2");
TG_REGISTER_NO_GRADIENT_OP("RestoreV2");
TG_REGISTER_NO_GRADIENT_OP("MergeV2Checkpoints");
TG_REGISTER_NO_GRADIENT_OP("ShardedFilename");
TG_REGISTER_NO_GRADIENT_OP("StringJoin");

}  // namespace

namespace ops {

Operation SaveV2(const Scope& s, const Input& prefix, const Input& tensor_names,
                 const Input& shape_and_slices,
                 const std::vector<Output>& tensors) {
  return OpBuilder(s, "SaveV2")
      .Input(prefix)
      .Input(tensor_names)
      .Input(shape_and_slices)
      .InputList(tensors)
      .Finalize();
}

std::vector<Output> RestoreV2(const Scope& s, const Input& prefix,
                              const Input& tensor_names,
                              const Input& shape_and_slices,
                              const DataTypeVector& dtypes) {
  Operation op = OpBuilder(s, "RestoreV2")
                     .Input(prefix)
                     .Input(tensor_names)
                     .Input(shape_and_slices)
                     .Attr("dtypes", dtypes)
                     .Finalize();
  std::vector<Output> out;
  if (!op.valid()) return out;
  for (int i = 0; i < op.num_outputs(); ++i) out.push_back(op.output(i));
  return out;
}

Operation MergeV2Checkpoints(const Scope& s, const Input& checkpoint_prefixes,
                             const Input& destination_prefix,
                             bool delete_old_dirs) {
  return OpBuilder(s, "MergeV2Checkpoints")
      .Input(checkpoint_prefixes)
      .Input(destination_prefix)
      .Attr("delete_old_dirs", delete_old_dirs)
      .Finalize();
}

Output ShardedFilename(const Scope& s, const Input& basename,
                       const Input& shard, const Input& num_shards) {
  return OpBuilder(s, "ShardedFilename")
      .Input(basename)
      .Input(shard)
      .Input(num_shards)
      .Finalize()
      .output(0);
}

Output StringJoin(const Scope& s, const std::vector<Output>& inputs,
                  const std::string& separator) {
  return OpBuilder(s, "StringJoin")
      .InputList(inputs)
      .Attr("separator", separator)
      .Finalize()
      .output(0);
}

}  // namespace ops
}  // namespace tg
