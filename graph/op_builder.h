// OpBuilder: adds one node through a Scope. Infers type attrs (T, N, ...)
// from the inputs, validates the node against its op, connects inputs and
// the scope's control dependencies, and runs shape inference. On failure the
// error goes into the scope and Finalize returns a null Operation.
//
//   Operation op = OpBuilder(scope, "MatMul").Input(a).Input(b)
//                      .Attr("transpose_b", true).Finalize();
#ifndef TG_GRAPH_OP_BUILDER_H_
#define TG_GRAPH_OP_BUILDER_H_

#include <string>
#include <vector>

#include "graph/scope.h"

namespace tg {

class OpBuilder {
 public:
  OpBuilder(const Scope& scope, std::string op_type);
  // The name used when the scope has no WithOpName (default: the op type).
  OpBuilder& DefaultName(std::string name);
  OpBuilder& Input(const tg::Input& input);
  // One list-typed argument (N * T or a type list).
  OpBuilder& InputList(const std::vector<Output>& inputs);
  OpBuilder& Attr(const std::string& name, const AttrValue& value);
  template <typename T>
  OpBuilder& Attr(const std::string& name, const T& value) {
    return Attr(name, MakeAttr(value));
  }
  Operation Finalize();

 private:
  const Scope& scope_;
  std::string op_type_;
  std::string default_name_;
  std::vector<std::vector<Output>> args_;  // One entry per input arg.
  AttrMap attrs_;
};

// Output 0 of a one-input op (most elementwise ops) and of a two-input op.
Output UnaryOp(const Scope& s, const std::string& op, const Input& x);
Output BinaryOp(const Scope& s, const std::string& op, const Input& x,
                const Input& y);

}  // namespace tg

#endif  // TG_GRAPH_OP_BUILDER_H_
