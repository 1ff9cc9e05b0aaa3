// tg run's SavedModel signature interface, as TensorFlow's saved_model_cli
// has it: `--signature NAME` (default serving_default), inputs by key from
// .npy files (`--input KEY=FILE.npy`) or inline values
// (`--input_exprs 'x=[[1],[2]];y=3'`), outputs named by the signature's
// keys. Also the model's init op (signature `__saved_model_init_op`, else
// collection `saved_model_main_op`, else `legacy_init_op`) with its asset
// paths, which TensorFlow's loader runs after restoring.
#ifndef TG_TOOLS_SIGNATURE_H_
#define TG_TOOLS_SIGNATURE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "core/tensor.h"
#include "graph/graph_file.h"

namespace tg {
namespace tool {

struct SignatureRun {
  std::vector<std::string> output_keys;  // Sorted.
  std::vector<std::string> fetches;      // The tensor of each output key.
  std::vector<std::pair<std::string, Tensor>> feeds;  // Tensor name, value.
};

// The feeds and fetches of signature `name` of `meta`. `inputs`: "KEY=FILE"
// each; `exprs`: "KEY=LITERAL" separated by ';'. Errors name the signature
// or key and list the ones there are.
absl::StatusOr<SignatureRun> ResolveSignature(
    const MetaGraphDef& meta, const std::string& name,
    const std::vector<std::string>& inputs, const std::string& exprs);

// A tensor of `dtype` from a literal: a number, true/false, a 'quoted' or
// "quoted" string, or nested [..] lists of them (rectangular).
absl::StatusOr<Tensor> ParseTensorLiteral(absl::string_view text,
                                          DataType dtype);

// The model's init op and what it is fed: each asset tensor with its path
// under `model_dir`/assets. Empty op name when the model has none.
struct InitOp {
  std::string op;
  std::vector<std::pair<std::string, Tensor>> feeds;
};
absl::StatusOr<InitOp> FindInitOp(const MetaGraphDef& meta,
                                  const std::string& model_dir);

}  // namespace tool
}  // namespace tg

#endif  // TG_TOOLS_SIGNATURE_H_
