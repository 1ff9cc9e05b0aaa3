#include "runtime/session.h"

#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

TEST(ClientSessionTest, EvaluatesArithmetic) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output y = ops::Add(root, ops::Mul(root, x, 2.0f), 1.0f);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(
      session.Run({{x, Tensor::FromVector<float>({1, 2, 3})}}, {y}, &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(3, 5, 7));
}

TEST(ClientSessionTest, VariablesPersistAcrossRuns) {
  Scope root = Scope::NewRootScope();
  Output w =
      ops::Variable(root.WithOpName("w"), PartialShape::Of({2}), DT_FLOAT);
  Output init = ops::Assign(root, w, {1.0f, 2.0f});
  Output step = ops::ApplyGradientDescent(root, w, 0.5f, {2.0f, 4.0f});
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.Run({}, {w}, &out),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("'w'")));
  TG_ASSERT_OK(session.Run({}, {}, {init.op()}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step.op()}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step.op()}, nullptr));
  TG_ASSERT_OK(session.Run({w}, &out));
  // 1 - 2 * 0.5 * 2 = -1, 2 - 2 * 0.5 * 4 = -2.
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(-1, -2));
}

// A graph x:[?,3] -> y = x w (w: [3,2] constant), with a variable v.
class SessionErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Scope root = Scope::NewRootScope();
    Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                                PartialShape::Of({-1, 3}));
    Output w =
        ops::Const(root.WithOpName("w"), {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});
    ops::MatMul(root.WithOpName("y"), x, w);
    Output v =
        ops::Variable(root.WithOpName("v"), PartialShape::Of({2}), DT_FLOAT);
    ops::Identity(root.WithOpName("v_read"), v);
    // z = a b with shapes known only at run time.
    Output a = ops::Placeholder(root.WithOpName("a"), DT_FLOAT);
    Output b = ops::Placeholder(root.WithOpName("b"), DT_FLOAT);
    ops::MatMul(root.WithOpName("z"), a, b);
    GraphDef def;
    TG_ASSERT_OK(root.ToGraphDef(&def));
    TG_ASSERT_OK_AND_ASSIGN(session_, Session::Create(def));
  }
  std::unique_ptr<Session> session_;
  std::vector<Tensor> out_;
};

TEST_F(SessionErrorsTest, WrongFeedDtypeNamesFeedAndTypes) {
  EXPECT_THAT(
      session_->Run(
          {{"x", Tensor::FromVector<int32_t>({1, 2, 3}, TensorShape({1, 3}))}},
          {"y"}, {}, &out_),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          AllOf(HasSubstr("'x'"), HasSubstr("int32"), HasSubstr("float"))));
}

TEST_F(SessionErrorsTest, WrongFeedShapeNamesShapes) {
  EXPECT_THAT(
      session_->Run({{"x", Tensor::FromVector<float>({1, 2})}}, {"y"}, {},
                    &out_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("'x'"), HasSubstr("[2]"), HasSubstr("[?,3]"))));
}

TEST_F(SessionErrorsTest, MissingFeedNamesPlaceholder) {
  EXPECT_THAT(session_->Run({}, {"y"}, {}, &out_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("[Placeholder] node 'x'"),
                             HasSubstr("float"), HasSubstr("[?,3]"))));
}

TEST_F(SessionErrorsTest, NonexistentFetchIsNamed) {
  EXPECT_THAT(session_->Run({}, {"nope:0"}, {}, &out_),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'nope'")));
  EXPECT_THAT(
      session_->Run({}, {"w:3"}, {}, &out_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("has 1 outputs")));
}

TEST_F(SessionErrorsTest, UninitializedVariableIsNamed) {
  EXPECT_THAT(session_->Run({}, {"v_read"}, {}, &out_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("[Identity] node 'v_read'"),
                             HasSubstr("variable 'v'"))));
}

TEST_F(SessionErrorsTest, MatMulInnerDimensionMismatchAtRunTime) {
  EXPECT_THAT(session_->Run({{"a", Tensor(DT_FLOAT, TensorShape({100, 784}))},
                             {"b", Tensor(DT_FLOAT, TensorShape({512, 10}))}},
                            {"z"}, {}, &out_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("[MatMul] node 'z': inner dimensions differ: "
                                 "[100,784] x [512,10]")));
}

TEST_F(SessionErrorsTest, AnyTensorCanBeFedAndCutsItsProducer) {
  // Feeding y directly means x need not be fed.
  TG_ASSERT_OK(session_->Run(
      {{"y", Tensor::FromVector<float>({7, 8}, TensorShape({1, 2}))}}, {"y"},
      {}, &out_));
  EXPECT_THAT(out_[0].flat<float>(), ElementsAre(7, 8));
  // Feeding the constant w changes the product.
  TG_ASSERT_OK(session_->Run(
      {{"x", Tensor::FromVector<float>({1, 1, 1}, TensorShape({1, 3}))},
       {"w",
        Tensor::FromVector<float>({1, 0, 0, 1, 1, 1}, TensorShape({3, 2}))}},
      {"y"}, {}, &out_));
  EXPECT_THAT(out_[0].flat<float>(), ElementsAre(2, 2));
}

TEST_F(SessionErrorsTest, UnknownDeviceIsAnErrorAndGpuFallsBackToCpu) {
  Scope root = Scope::NewRootScope();
  ops::Const(root.WithOpName("tpu").WithDevice("/device:TPU:0"), 1.0f);
  ops::Const(root.WithOpName("gpu").WithDevice("/gpu:0"), 2.0f);
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def));
  EXPECT_THAT(
      session->Run({}, {"tpu"}, {}, &out_),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'tpu'"), HasSubstr("/device:TPU:0"))));
  TG_ASSERT_OK(session->Run({}, {"gpu"}, {}, &out_));
  EXPECT_EQ(out_[0].scalar<float>(), 2.0f);
}

}  // namespace
}  // namespace tg
