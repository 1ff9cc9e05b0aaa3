// Function libraries (TensorFlow's FunctionDefLibrary) and calls into them.
//
// A graph's library holds functions: a signature (an OpDef), a body of
// NodeDefs whose inputs name the function's input args ("x") and body
// outputs by arg ("node:arg:i", "node:arg" for a whole list), `ret` (each
// output arg -> a body tensor) and `control_ret` (nodes that must run
// whenever the function does). A call is a PartitionedCall or
// StatefulPartitionedCall node (attr `f`) or a node whose op is a library
// function.
//
// tensorgraph runs one flat graph: calls are inlined when a graph is
// imported, with TensorFlow's semantics (core/common_runtime's inliner):
//   * a NoOp `<call>/input_control_node` takes the call's control inputs;
//     each input i becomes an Identity `<call>/_arg_<name>` of the call's
//     input i that depends on it, and so do body nodes without inputs and
//     nested calls, so nothing of the body runs before the call could;
//   * body node `n` becomes `<call>/n` (placeholders in its attrs bound from
//     the call, an empty device taken from the call);
//   * the call's name then belongs to an IdentityN of the `ret` tensors (a
//     NoOp when there are none) that also waits for every `control_ret`
//     node: consumers of `call:k`, and of `^call`, see the outputs and the
//     side effects;
//   * nested calls are inlined the same way, a function called twice is
//     inlined twice under its two call names, and a function that calls
//     itself (directly or through others) is an error naming the chain.
#ifndef TG_GRAPH_FUNCTIONS_H_
#define TG_GRAPH_FUNCTIONS_H_

#include "absl/status/statusor.h"
#include "proto/graph.pb.h"

namespace tg {

using ::tensorgraph::FunctionDef;
using ::tensorgraph::FunctionDefLibrary;
using ::tensorgraph::GraphDef;

// Checks every function of `library` on its own: a named signature, unique
// function, arg and body node names, a `ret` for each output arg naming an
// input arg or a body tensor, `control_ret` naming body nodes, body inputs
// naming args or body nodes. Errors name the function (and node).
absl::Status ValidateFunctionLibrary(const FunctionDefLibrary& library);

// True when a node of `def` calls a function of its library.
bool HasFunctionCalls(const GraphDef& def);

// `def` with every call inlined as described above, and the library kept.
// Errors name the call node and the function: an unknown function, inputs
// that do not match the signature, an unbound attr placeholder, a `ret`
// naming a missing tensor, recursion.
absl::StatusOr<GraphDef> InlineFunctionCalls(const GraphDef& def);

}  // namespace tg

#endif  // TG_GRAPH_FUNCTIONS_H_
