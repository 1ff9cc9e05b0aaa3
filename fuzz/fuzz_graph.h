// Decodes fuzz bytes into a small graph around one node of a registered op,
// for the structure-aware op fuzzer (fuzz/op_fuzzer.cc).
//
// The node's attrs come from the op's schema (allowed values mostly, any
// value now and then, some left to their defaults, an unknown one added);
// each input is a fed Placeholder, a Const (values in the graph, or one
// value broadcast over a declared shape of any size) or, for reference
// inputs, a VariableV2 given a value by an init run or left uninitialized.
// Shapes include zero and huge dims; values include extremes, NaN, Inf and
// negative or out-of-range integers. Type attrs mostly follow one of the
// op's registered kernels. String values never hold a '/': as file names
// (SaveV2's prefix) they stay in the working directory, which the op fuzzer
// makes its scratch directory.
#ifndef TG_FUZZ_FUZZ_GRAPH_H_
#define TG_FUZZ_FUZZ_GRAPH_H_

#include <string>
#include <utility>
#include <vector>

#include "core/op_registry.h"
#include "core/tensor.h"
#include "fuzz/fuzz_input.h"
#include "proto/graph.pb.h"

namespace tg {
namespace fuzz {

struct FuzzGraph {
  ::tensorgraph::GraphDef def;
  std::vector<std::pair<std::string, Tensor>> feeds;
  std::vector<std::string> init_targets;  // Assigns of the variables.
  std::vector<std::string> fetches;       // The node's outputs.
  std::string node;                       // The node under test.
};

FuzzGraph BuildFuzzGraph(FuzzInput& in, const OpRegistration& op);

}  // namespace fuzz
}  // namespace tg

#endif  // TG_FUZZ_FUZZ_GRAPH_H_
