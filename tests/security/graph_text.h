// Hand-written hostile graphs in GraphDef text format, for the security
// tests: one helper per kind of node, and RunGraph to create a session and
// fetch one tensor. Every string is spliced into the text as given, so a
// test can write exactly the malformed node it means.
#ifndef TG_TESTS_SECURITY_GRAPH_TEXT_H_
#define TG_TESTS_SECURITY_GRAPH_TEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/session.h"

namespace tg {
namespace testing {

// Parses GraphDef text; a parse failure fails the current test.
GraphDef Parse(const std::string& text);

// A Const node `name` holding the vector `v` of DT_INT32 or DT_INT64.
std::string IntConst(const std::string& name, const std::vector<int64_t>& v,
                     const std::string& dtype = "DT_INT32");

// A scalar Const node of `dtype` (float, double, int32 or int64).
std::string Scalar(const std::string& name, double v, const std::string& dtype);

// A node of `op` with the given inputs and attrs text.
std::string Op(const std::string& name, const std::string& op,
               const std::vector<std::string>& inputs,
               const std::string& attrs);

std::string TypeAttr(const std::string& key, const std::string& t);
std::string IntAttr(const std::string& key, int64_t v);

// Creates a session on the parsed `text` and fetches `fetch` with `feeds`.
absl::Status RunGraph(
    const std::string& text, const std::string& fetch,
    std::vector<Tensor>* out = nullptr, SessionOptions options = {},
    const std::vector<std::pair<std::string, Tensor>>& feeds = {});

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_SECURITY_GRAPH_TEXT_H_
