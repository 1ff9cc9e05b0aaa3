// What a malformed loop, conditional or control-flow graph gives: a clear
// error naming the node (and the loop and iteration), never a hang.
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "ops/control_flow_ops.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;
using Outs = std::vector<Output>;

absl::StatusOr<Outs> Counter(const Scope& root, const Output& limit,
                             ops::LoopBodyFn body = nullptr) {
  if (body == nullptr) {
    body = [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
      return Outs{ops::Add(b, v[0], 1)};
    };
  }
  return ops::WhileLoop(
      root,
      [&](const Scope& c, const Outs& v) -> absl::StatusOr<Output> {
        return ops::Less(c, v[0], limit);
      },
      body, {ops::ScalarConst(root, 0, DT_INT32)});
}

TEST(ControlFlowErrorsTest, BodyResultsMustMatchTheLoopVariables) {
  Scope root = Scope::NewRootScope();
  absl::StatusOr<Outs> r =
      Counter(root, ops::ScalarConst(root, 3, DT_INT32),
              [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
                return Outs{v[0], v[0]};
              });
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("returns 2 tensors but 1")));
  Scope root2 = Scope::NewRootScope();
  r = Counter(root2, ops::ScalarConst(root2, 3, DT_INT32),
              [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
                return Outs{ops::Cast(b, v[0], DT_FLOAT)};
              });
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   AllOf(HasSubstr("result 0 is a float"),
                                         HasSubstr("int32"))));
}

TEST(ControlFlowErrorsTest, ConditionMustBeBool) {
  Scope root = Scope::NewRootScope();
  absl::StatusOr<Outs> r = ops::WhileLoop(
      root,
      [](const Scope& c, const Outs& v) -> absl::StatusOr<Output> {
        return v[0];
      },
      [](const Scope& b, const Outs& v) -> absl::StatusOr<Outs> {
        return Outs{v[0]};
      },
      {ops::ScalarConst(root, 1, DT_INT32)});
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("must return a bool tensor")));
}

TEST(ControlFlowErrorsTest, NonScalarConditionFailsInTheFirstIteration) {
  Scope root = Scope::NewRootScope();
  Output limit = ops::Placeholder(root.WithOpName("limit"), DT_INT32);
  absl::StatusOr<Outs> r = Counter(root, limit);
  TG_ASSERT_OK(r.status());
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(session.Run({{limit, Tensor::FromVector<int32_t>({3, 4})}},
                          {(*r)[0]}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'while/LoopCond'"),
                             HasSubstr("in loop 'while/' iteration 0"),
                             HasSubstr("scalar bool"), HasSubstr("[2]"))));
}

TEST(ControlFlowErrorsTest, EndlessLoopStopsAtTheIterationLimit) {
  Scope root = Scope::NewRootScope();
  Output limit = ops::Placeholder(root.WithOpName("limit"), DT_INT32);
  absl::StatusOr<Outs> r = Counter(root, limit);
  TG_ASSERT_OK(r.status());
  SessionOptions options;
  options.max_loop_iterations = 1000;
  ClientSession session(root, options);
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({{limit, Tensor::Scalar<int32_t>(999)}}, {(*r)[0]}, &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), 999);
  EXPECT_THAT(
      session.Run({{limit, Tensor::Scalar<int32_t>(2000000000)}}, {(*r)[0]},
                  &out),
      StatusIs(absl::StatusCode::kResourceExhausted,
               AllOf(HasSubstr("loop 'while/'"), HasSubstr("1000 iterations"),
                     HasSubstr("max_loop_iterations"))));
}

TEST(ControlFlowErrorsTest, FetchesInsideALoopAndDeadFetchesAreRefused) {
  Scope root = Scope::NewRootScope();
  absl::StatusOr<Outs> r = Counter(root, ops::ScalarConst(root, 3, DT_INT32));
  TG_ASSERT_OK(r.status());
  Output pred = ops::Placeholder(root.WithOpName("pred"), DT_BOOL);
  ops::SwitchOutputs sw = ops::Switch(root, (*r)[0], pred);
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.Run({Output(root.graph()->FindNode("while/Identity"))}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("inside loop 'while/'"),
                     HasSubstr("after its Exit"))));
  EXPECT_THAT(
      session.Run({{pred, Tensor::Scalar(true)}}, {sw.output_false}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("'Switch:0'"), HasSubstr("dead"))));
  TG_ASSERT_OK(
      session.Run({{pred, Tensor::Scalar(true)}}, {sw.output_true}, &out));
  EXPECT_EQ(out[0].scalar<int32_t>(), 3);
}

TEST(ControlFlowErrorsTest, MergeWithTwoLiveInputsAndBadPredicates) {
  Scope root = Scope::NewRootScope();
  Output a = ops::Const(root, {1.0f});
  Output b = ops::Const(root, {2.0f});
  ops::MergeOutputs m = ops::Merge(root.WithOpName("m"), {a, b});
  Output pred = ops::Placeholder(root.WithOpName("pred"), DT_BOOL);
  ops::SwitchOutputs sw = ops::Switch(root.WithOpName("sw"), a, pred);
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(session.Run({m.output}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'm'"), HasSubstr("both live"))));
  EXPECT_THAT(
      session.Run({{pred, Tensor::FromVector<bool>({true, false})}},
                  {sw.output_true}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'sw'"), HasSubstr("scalar bool"))));
}

absl::Status RunText(const std::string& text, const std::string& fetch) {
  GraphDef def;
  if (!google::protobuf::TextFormat::ParseFromString(text, &def)) {
    return absl::InternalError("bad test graph");
  }
  TG_ASSIGN_OR_RETURN(std::unique_ptr<Session> session, Session::Create(def));
  std::vector<Tensor> out;
  return session->Run({}, {fetch}, {}, &out);
}

constexpr char kConst[] = R"(
  node { name: "c" op: "Const" attr { key: "dtype" value { type: DT_INT32 } }
         attr { key: "value" value { tensor { dtype: DT_INT32
                tensor_shape {} int_val: 1 } } } }
)";

TEST(ControlFlowErrorsTest, MalformedFramesAreNamed) {
  // An Exit no Enter leads to.
  EXPECT_THAT(
      RunText(absl::StrCat(kConst, R"(
    node { name: "x" op: "Exit" input: "c"
           attr { key: "T" value { type: DT_INT32 } } })"),
              "x:0"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'x'"), HasSubstr("not inside a loop"))));
  // A node reading a loop's value and a value from outside it.
  EXPECT_THAT(RunText(absl::StrCat(kConst, R"(
    node { name: "e" op: "Enter" input: "c"
           attr { key: "T" value { type: DT_INT32 } }
           attr { key: "frame_name" value { s: "f" } } }
    node { name: "add" op: "Add" input: "e" input: "c"
           attr { key: "T" value { type: DT_INT32 } } })"),
                      "add:0"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'add'"), HasSubstr("loop 'f'"),
                             HasSubstr("root frame"))));
  // A cycle that no NextIteration closes.
  EXPECT_THAT(
      RunText(absl::StrCat(kConst, R"(
    node { name: "a" op: "Add" input: "c" input: "b"
           attr { key: "T" value { type: DT_INT32 } } }
    node { name: "b" op: "Identity" input: "a"
           attr { key: "T" value { type: DT_INT32 } } })"),
              "a:0"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is on a cycle")));
}

}  // namespace
}  // namespace tg
