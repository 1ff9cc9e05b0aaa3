// Text-format pieces of hand-written GraphDefs and function libraries for
// tests: a node, a constant, a function signature, in TensorFlow's field
// names, so a test graph reads as the few things that matter in it.
#ifndef TG_TESTS_TESTING_GRAPH_TEXT_H_
#define TG_TESTS_TESTING_GRAPH_TEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "proto/graph.pb.h"

namespace tg {
namespace testing {

// `text` parsed as a text-format GraphDef; a test failure (naming the
// text) when it does not parse.
::tensorgraph::GraphDef ParseGraphText(const std::string& text);

// "node { ... }" (or "node_def { ... }" inside a function when `in_body`)
// with op, inputs, attr T when `type` is not empty, and `more` (further
// attrs, as text).
std::string NodeText(const std::string& name, const std::string& op,
                     const std::vector<std::string>& inputs,
                     const std::string& type = "", bool in_body = false,
                     const std::string& more = "");

// A scalar Const of dtype `type` ("DT_FLOAT", "DT_INT32"); `inputs` may
// hold control inputs ("^x").
std::string ConstText(const std::string& name, const std::string& type,
                      double value, bool in_body = false,
                      const std::vector<std::string>& inputs = {});

// "signature { name ... input_arg ... output_arg ... }" from (name, dtype)
// pairs.
using Args = std::vector<std::pair<std::string, std::string>>;
std::string SignatureText(const std::string& name, const Args& inputs,
                          const Args& outputs);

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_GRAPH_TEXT_H_
