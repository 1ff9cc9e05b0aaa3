// Resource variables: handles, reads (snapshots), assignments, updates,
// gathers, errors, gradients, on the CPU and on the tests' TEST device.
// Expected values are computed here from the numbers fed or assigned.
#include "gmock/gmock.h"
#include "graph/gradients.h"
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

Tensor Floats(std::vector<float> v, TensorShape shape) {
  return Tensor::FromVector<float>(v, shape);
}

std::vector<float> Values(const Tensor& t) {
  auto f = t.flat<float>();
  return std::vector<float>(f.begin(), f.end());
}

class ResourceVariablesTest : public ::testing::TestWithParam<std::string> {
 protected:
  SessionOptions Options() const {
    SessionOptions o;
    o.placement.default_device = GetParam();
    return o;
  }
};

TEST_P(ResourceVariablesTest, AssignReadUpdateAndDestroy) {
  Scope root = Scope::NewRootScope();
  Output v =
      ops::VarHandleOp(root.WithOpName("v"), DT_FLOAT, PartialShape::Of({2}));
  Operation init = ops::AssignVariableOp(root.WithOpName("init"), v,
                                         ops::Const(root, {1.0f, 2.0f}));
  Output read = ops::ReadVariableOp(root.WithOpName("read"), v, DT_FLOAT);
  Operation add = ops::AssignAddVariableOp(root.WithOpName("add"), v,
                                           ops::Const(root, {10.0f, 20.0f}));
  Operation sub = ops::AssignSubVariableOp(root.WithOpName("sub"), v,
                                           ops::Const(root, {0.5f, 0.5f}));
  Output inited = ops::VarIsInitializedOp(root.WithOpName("inited"), v);
  Operation destroy = ops::DestroyResourceOp(root.WithOpName("destroy"), v);
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root, Options());
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({inited}, &out));
  EXPECT_FALSE(out[0].scalar<bool>());
  EXPECT_THAT(session.Run({read}, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("node 'read'"), HasSubstr("'v'"),
                             HasSubstr("does not exist"))));
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  TG_ASSERT_OK(session.Run({inited, read}, &out));
  EXPECT_TRUE(out[0].scalar<bool>());
  EXPECT_THAT(Values(out[1]), ElementsAre(1, 2));
  TG_ASSERT_OK(session.Run({}, {}, {add}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {sub}, nullptr));
  TG_ASSERT_OK(session.Run({read}, &out));
  EXPECT_THAT(Values(out[0]), ElementsAre(1 + 10 - 0.5f, 2 + 20 - 0.5f));
  TG_ASSERT_OK(session.Run({}, {}, {destroy}, nullptr));
  EXPECT_THAT(session.Run({read}, &out),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("destroyed")));
  TG_ASSERT_OK(session.Run({inited}, &out));
  EXPECT_FALSE(out[0].scalar<bool>());
}

// A read is a snapshot: an update that runs after it in the same step
// does not change the value read.
TEST_P(ResourceVariablesTest, ReadsAreSnapshots) {
  Scope root = Scope::NewRootScope();
  Output v =
      ops::VarHandleOp(root.WithOpName("v"), DT_FLOAT, PartialShape::Of({2}));
  Operation init =
      ops::AssignVariableOp(root, v, ops::Const(root, {3.0f, 4.0f}));
  Output before = ops::Identity(root.WithOpName("before"),
                                ops::ReadVariableOp(root, v, DT_FLOAT));
  Operation step = ops::ResourceApplyGradientDescent(
      root.WithOpName("step").WithControlDependencies({before.op()}), v,
      ops::Const(root, 0.5f), ops::Const(root, {2.0f, -2.0f}));
  Output after = ops::ReadVariableOp(
      root.WithOpName("after").WithControlDependencies({step}), v, DT_FLOAT);
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root, Options());
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({before, after}, &out));
  EXPECT_THAT(Values(out[0]), ElementsAre(3, 4));
  EXPECT_THAT(Values(out[1]), ElementsAre(3 - 0.5f * 2, 4 + 0.5f * 2));
}

TEST_P(ResourceVariablesTest, HandlesWithOneSharedNameShareAVariable) {
  Scope root = Scope::NewRootScope();
  Output a = ops::VarHandleOp(root.WithOpName("a"), DT_FLOAT,
                              PartialShape::Scalar(), "shared");
  Output b = ops::VarHandleOp(root.WithOpName("b"), DT_FLOAT,
                              PartialShape::Scalar(), "shared");
  Operation init = ops::AssignVariableOp(root, a, ops::Const(root, 7.0f));
  Output read_b = ops::ReadVariableOp(root, b, DT_FLOAT);
  Output wrong = ops::ReadVariableOp(root.WithOpName("wrong"), a, DT_INT32);
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root, Options());
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({read_b}, &out));
  EXPECT_EQ(out[0].scalar<float>(), 7.0f);
  EXPECT_THAT(session.Run({wrong}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'wrong'"),
                             HasSubstr("holds a float tensor, not int32"))));
}

TEST_P(ResourceVariablesTest, GatherTakesRowsByIndex) {
  Scope root = Scope::NewRootScope();
  Output v = ops::VarHandleOp(root, DT_FLOAT, PartialShape::Of({3, 2}));
  Operation init = ops::AssignVariableOp(
      root, v, ops::Const(root, {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}}));
  Output rows =
      ops::ResourceGather(root, v, ops::Const(root, {2, 0}), DT_FLOAT);
  Output bad = ops::ResourceGather(root.WithOpName("bad"), v,
                                   ops::Const(root, {3}), DT_FLOAT);
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root, Options());
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({rows}, &out));
  EXPECT_EQ(out[0].shape(), TensorShape({2, 2}));
  EXPECT_THAT(Values(out[0]), ElementsAre(5, 6, 1, 2));
  EXPECT_THAT(session.Run({bad}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'bad'"),
                             HasSubstr("indices[0] = 3 is not in [0, 3)"))));
}

TEST_P(ResourceVariablesTest, AssignKeepsItsShapeWhenAsked) {
  Scope root = Scope::NewRootScope();
  Output v = ops::VarHandleOp(root, DT_FLOAT, PartialShape::Of({-1}));
  Operation two = ops::AssignVariableOp(root, v, ops::Const(root, {1.f, 2.f}));
  Operation three = ops::AssignVariableOp(root.WithOpName("three"), v,
                                          ops::Const(root, {1.f, 2.f, 3.f}));
  Output read = ops::ReadVariableOp(root, v, DT_FLOAT);
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root, Options());
  TG_ASSERT_OK(session.Run({}, {}, {two}, nullptr));
  // validate_shape is false by default (TensorFlow's): the shape may change.
  TG_ASSERT_OK(session.Run({}, {}, {three}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({read}, &out));
  EXPECT_THAT(Values(out[0]), ElementsAre(1, 2, 3));
}

INSTANTIATE_TEST_SUITE_P(Devices, ResourceVariablesTest,
                         ::testing::Values("/device:CPU:0", "/device:TEST:0"));

// d/dv sum(read(v) * x) = x, and with two reads d/dv sum(v * v) = 2v: the
// gradient reaches the handle and sums over the reads.
TEST(ResourceVariableGradientTest, GradientReachesTheHandle) {
  Scope root = Scope::NewRootScope();
  Output v = ops::VarHandleOp(root, DT_FLOAT, PartialShape::Of({3}));
  Operation init =
      ops::AssignVariableOp(root, v, ops::Const(root, {1.f, -2.f, 0.5f}));
  Output x = ops::Const(root, {4.f, 5.f, 6.f});
  Output r1 = ops::ReadVariableOp(root, v, DT_FLOAT);
  Output r2 = ops::ReadVariableOp(root, v, DT_FLOAT);
  Output linear = ops::Sum(root, ops::Mul(root, r1, x), 0);
  Output square = ops::Sum(root, ops::Mul(root, r1, r2), 0);
  std::vector<Output> g_linear, g_square;
  TG_ASSERT_OK(AddSymbolicGradients(root, {linear}, {v}, &g_linear));
  TG_ASSERT_OK(AddSymbolicGradients(root, {square}, {v}, &g_square));
  ASSERT_TRUE(root.ok()) << root.status();
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({g_linear[0], g_square[0]}, &out));
  EXPECT_THAT(Values(out[0]), ElementsAre(4, 5, 6));
  EXPECT_THAT(Values(out[1]), ElementsAre(2, -4, 1));
}

// d/dv sum(gather(v, [2, 0, 2]) * w) adds each row of w to the row it read:
// row 2 twice, row 0 once, row 1 never.
TEST(ResourceVariableGradientTest, GatherGradientAddsRowsBack) {
  Scope root = Scope::NewRootScope();
  Output v = ops::VarHandleOp(root, DT_FLOAT, PartialShape::Of({3, 2}));
  Operation init = ops::AssignVariableOp(
      root, v, ops::Const(root, {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}}));
  const std::vector<int32_t> ids = {2, 0, 2};
  const std::vector<float> w = {1, 2, 3, 4, 5, 6};  // [3, 2]
  Output g = ops::ResourceGather(
      root, v, ops::Const(root, Tensor::FromVector(ids)), DT_FLOAT);
  Output loss = ops::Sum(
      root,
      ops::Mul(root, g,
               ops::Const(root, Tensor::FromVector(w, TensorShape{3, 2}))),
      {0, 1});
  std::vector<Output> grads;
  TG_ASSERT_OK(AddSymbolicGradients(root, {loss}, {v}, &grads));
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({grads[0]}, &out));
  std::vector<float> want(6, 0.0f);
  for (size_t r = 0; r < ids.size(); ++r) {
    for (int c = 0; c < 2; ++c) want[ids[r] * 2 + c] += w[r * 2 + c];
  }
  EXPECT_EQ(out[0].shape(), (TensorShape{3, 2}));
  EXPECT_EQ(Values(out[0]), want);
}

}  // namespace
}  // namespace tg
