// TensorFlow 2's functional control flow (If, Case, While and their
// Stateless forms) lowered at import (graph/lower_control_flow.h) and run
// by a session. Each graph is written here as TensorFlow writes it: the
// branches, conditions and bodies are library functions. Expected values
// are computed here from the numbers fed.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/lower_control_flow.h"
#include "gtest/gtest.h"
#include "runtime/session.h"
#include "tests/testing/graph_text.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

GraphDef Parse(const std::string& text) {
  return ::tg::testing::ParseGraphText(text);
}

using ::tg::testing::ConstText;
using ::tg::testing::NodeText;
using ::tg::testing::SignatureText;

// A library function of one float (`x`) to one float, by the op applied
// to x and a constant `c` made inside the body (a node without inputs).
std::string Unary(const std::string& name, const std::string& op, float c) {
  return absl::StrCat(
      "function { ",
      SignatureText(name, {{"x", "DT_FLOAT"}}, {{"y", "DT_FLOAT"}}),
      ConstText("c", "DT_FLOAT", c, true),
      NodeText("r", op, {"x", "c:output:0"}, "DT_FLOAT", true),
      "ret { key: 'y' value: 'r:z:0' } }");
}

absl::StatusOr<std::vector<Tensor>> RunGraph(
    const GraphDef& def, std::vector<std::pair<std::string, Tensor>> feeds,
    std::vector<std::string> fetches) {
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::Create(def));
  std::vector<Tensor> out;
  TG_RETURN_IF_ERROR(s->Run(feeds, fetches, {}, &out));
  return out;
}

std::string Placeholder(const std::string& name, const std::string& type) {
  return absl::StrCat(
      "node { name: '", name,
      "' op: 'Placeholder' attr { key: 'dtype' value { type: ", type, " } } }");
}

// y = if p then x * 2 else x + 1; the predicate is a float: TensorFlow's
// truth rule (non-zero).
TEST(FunctionalControlFlowTest, IfRunsTheBranchThePredicateChooses) {
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("p", "DT_FLOAT"), Placeholder("x", "DT_FLOAT"),
      "node { name: 'if' op: 'StatelessIf' input: 'p' input: 'x' "
      "attr { key: 'Tcond' value { type: DT_FLOAT } } "
      "attr { key: 'Tin' value { list { type: DT_FLOAT } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'then_branch' value { func { name: 'twice' } } } "
      "attr { key: 'else_branch' value { func { name: 'plus_one' } } } }",
      NodeText("y", "Identity", {"if"}, "DT_FLOAT"), "library {",
      Unary("twice", "Mul", 2), Unary("plus_one", "AddV2", 1), "}"));
  for (float p : {0.0f, -0.5f, 3.0f}) {
    TG_ASSERT_OK_AND_ASSIGN(
        std::vector<Tensor> out,
        RunGraph(def, {{"p", Tensor::Scalar(p)}, {"x", Tensor::Scalar(5.0f)}},
                 {"y:0"}));
    EXPECT_EQ(out[0].scalar<float>(), p != 0 ? 10.0f : 6.0f) << "p " << p;
  }
}

// Case over three branches: 0 -> x * 2, 1 -> x + 1, any other index (also
// negative or past the end) -> the last, x - 3.
TEST(FunctionalControlFlowTest, CaseRunsTheIndexedBranchOrTheLast) {
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("i", "DT_INT32"), Placeholder("x", "DT_FLOAT"),
      "node { name: 'case' op: 'Case' input: 'i' input: 'x' "
      "attr { key: 'Tin' value { list { type: DT_FLOAT } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'branches' value { list { func { name: 'twice' } "
      "func { name: 'plus_one' } func { name: 'minus_three' } } } } }",
      "library {", Unary("twice", "Mul", 2), Unary("plus_one", "AddV2", 1),
      Unary("minus_three", "Sub", 3), "}"));
  for (int i : {-1, 0, 1, 2, 7}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"i", Tensor::Scalar<int32_t>(i)},
                                      {"x", Tensor::Scalar(5.0f)}},
                                     {"case:0"}));
    const float want = i == 0 ? 10.0f : i == 1 ? 6.0f : 2.0f;
    EXPECT_EQ(out[0].scalar<float>(), want) << "index " << i;
  }
}

// The loop variables (i, acc, n) and, for a body, their next values.
const ::tg::testing::Args kLoopVars = {
    {"i", "DT_INT32"}, {"acc", "DT_FLOAT"}, {"n", "DT_INT32"}};
const ::tg::testing::Args kNextVars = {
    {"i2", "DT_INT32"}, {"acc2", "DT_FLOAT"}, {"n2", "DT_INT32"}};

// cond `name`: i < limit, where `limit_nodes` define the tensor `limit`.
std::string LessCond(const std::string& name, const std::string& limit_nodes,
                     const std::string& limit) {
  return absl::StrCat(
      "function { ", SignatureText(name, kLoopVars, {{"ok", "DT_BOOL"}}),
      limit_nodes, NodeText("l", "Less", {"i", limit}, "DT_INT32", true),
      "ret { key: 'ok' value: 'l:z:0' } }");
}

// while i < n: (i, acc) = (i + 1, acc * 2 + 1): a counter and a float
// accumulator; the body's constants are nodes without inputs.
const std::string kLoopLibrary = absl::StrCat(
    LessCond("less", "", "n"), "function { ",
    SignatureText("step", kLoopVars, kNextVars),
    ConstText("one", "DT_INT32", 1, true),
    NodeText("inc", "AddV2", {"i", "one:output:0"}, "DT_INT32", true),
    ConstText("f", "DT_FLOAT", 2, true),
    NodeText("dbl", "Mul", {"acc", "f:output:0"}, "DT_FLOAT", true),
    ConstText("g", "DT_FLOAT", 1, true),
    NodeText("next", "AddV2", {"dbl:z:0", "g:output:0"}, "DT_FLOAT", true),
    "ret { key: 'i2' value: 'inc:z:0' } ret { key: 'acc2' value: 'next:z:0' } "
    "ret { key: 'n2' value: 'n' } }");

// A While over (i, acc, n) with cond `cond` and body `body`.
std::string WhileText(const std::string& name, const std::string& body,
                      const std::string& op = "While",
                      const std::vector<std::string>& inputs = {"i0", "x", "n"},
                      bool in_body = false, const std::string& cond = "less") {
  return NodeText(name, op, inputs, "", in_body,
                  absl::StrCat("attr { key: 'T' value { list { type: DT_INT32 "
                               "type: DT_FLOAT type: DT_INT32 } } } "
                               "attr { key: 'cond' value { func { name: '",
                               cond,
                               "' } } } "
                               "attr { key: 'body' value { func { name: '",
                               body, "' } } }"));
}

const std::string kZero = ConstText("i0", "DT_INT32", 0);

TEST(FunctionalControlFlowTest, WhileCarriesItsVariables) {
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileText("loop", "step"), "library {", kLoopLibrary, "}"));
  for (int n : {0, 1, 5}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"x", Tensor::Scalar(0.5f)},
                                      {"n", Tensor::Scalar<int32_t>(n)}},
                                     {"loop:0", "loop:1"}));
    float acc = 0.5f;
    for (int k = 0; k < n; ++k) acc = acc * 2 + 1;
    EXPECT_EQ(out[0].scalar<int32_t>(), n);
    EXPECT_EQ(out[1].scalar<float>(), acc) << n << " iterations";
  }
}

// A While inside an If's branch (lowered after the branch is inlined), on
// the branch not taken too: its results are then dead, and the If's Merge
// takes the other side.
TEST(FunctionalControlFlowTest, WhileInsideABranch) {
  const std::string outer = absl::StrCat(
      "function { ",
      SignatureText("looped", {{"x", "DT_FLOAT"}, {"n", "DT_INT32"}},
                    {{"y", "DT_FLOAT"}}),
      ConstText("i0", "DT_INT32", 0, true),
      WhileText("w", "step", "StatelessWhile", {"i0:output:0", "x", "n"}, true),
      "ret { key: 'y' value: 'w:output:1' } } function { ",
      SignatureText("same", {{"x", "DT_FLOAT"}, {"n", "DT_INT32"}},
                    {{"y", "DT_FLOAT"}}),
      "ret { key: 'y' value: 'x' } }");
  const GraphDef def = Parse(absl::StrCat(
      Placeholder("p", "DT_BOOL"), Placeholder("x", "DT_FLOAT"),
      Placeholder("n", "DT_INT32"),
      "node { name: 'if' op: 'If' input: 'p' input: 'x' input: 'n' "
      "attr { key: 'Tcond' value { type: DT_BOOL } } "
      "attr { key: 'Tin' value { list { type: DT_FLOAT type: DT_INT32 } } } "
      "attr { key: 'Tout' value { list { type: DT_FLOAT } } } "
      "attr { key: 'then_branch' value { func { name: 'looped' } } } "
      "attr { key: 'else_branch' value { func { name: 'same' } } } }",
      "library {", kLoopLibrary, outer, "}"));
  for (bool p : {true, false}) {
    TG_ASSERT_OK_AND_ASSIGN(std::vector<Tensor> out,
                            RunGraph(def,
                                     {{"p", Tensor::Scalar(p)},
                                      {"x", Tensor::Scalar(1.0f)},
                                      {"n", Tensor::Scalar<int32_t>(3)}},
                                     {"if:0"}));
    EXPECT_EQ(out[0].scalar<float>(), p ? 15.0f : 1.0f) << "p " << p;
  }
}

TEST(FunctionalControlFlowTest, BodyOutputsMustMatchTheLoopVariables) {
  // 'less' as the body: one bool out, for three loop variables.
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileText("loop", "less"), "library {", kLoopLibrary, "}"));
  EXPECT_THAT(Session::Create(def).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'loop'"), HasSubstr("body 'less'"),
                             HasSubstr("returns (bool)"),
                             HasSubstr("(int32, float, int32)"))));
  const GraphDef missing = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileText("loop", "nowhere"), "library {", kLoopLibrary, "}"));
  EXPECT_THAT(
      Session::Create(missing).status(),
      StatusIs(absl::StatusCode::kNotFound,
               AllOf(HasSubstr("node 'loop'"), HasSubstr("'nowhere'"))));
}

// A bool condition that is not a scalar fails in the first iteration,
// naming the loop, instead of running on.
TEST(FunctionalControlFlowTest, NonScalarConditionIsAClearError) {
  // cond: i < [n, n], a bool vector.
  const std::string vector_cond =
      LessCond("less_vec",
               NodeText("nv", "Pack", {"n", "n"}, "DT_INT32", true,
                        "attr { key: 'N' value { i: 2 } }"),
               "nv:output:0");
  const std::string node =
      WhileText("loop", "step", "While", {"i0", "x", "n"}, false, "less_vec");
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"), node,
      "library {", kLoopLibrary, vector_cond, "}"));
  EXPECT_THAT(
      RunGraph(def,
               {{"x", Tensor::Scalar(0.5f)}, {"n", Tensor::Scalar<int32_t>(3)}},
               {"loop:1"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("loop/loop_cond"), HasSubstr("iteration 0"),
                     HasSubstr("scalar bool"))));
}

// A loop whose body is the function the loop is in would lower forever.
TEST(FunctionalControlFlowTest, RecursionThroughALoopIsNamed) {
  const std::string recursive = absl::StrCat(
      "function { ", SignatureText("again", kLoopVars, kNextVars),
      WhileText("w", "again", "While", {"i", "acc", "n"}, true),
      "ret { key: 'i2' value: 'w:output:0' } ret { key: 'acc2' value: "
      "'w:output:1' } ret { key: 'n2' value: 'w:output:2' } }");
  const GraphDef def = Parse(absl::StrCat(
      kZero, Placeholder("x", "DT_FLOAT"), Placeholder("n", "DT_INT32"),
      WhileText("loop", "again"), "library {", kLoopLibrary, recursive, "}"));
  EXPECT_THAT(Session::Create(def).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'again' calls itself (again -> again)")));
}

}  // namespace
}  // namespace tg
