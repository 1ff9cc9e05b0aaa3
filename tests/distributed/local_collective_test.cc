// Collective ops in a process running alone: the session's context has
// size 1 (no launcher needed), so the same graph runs with and without
// mpirun. Expected values are the inputs themselves.
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

Output Reduce(const Scope& s, const Input& x, int group_size,
              const char* final_op) {
  return ops::CollectiveReduce(s, x, {group_size, 1, 7}, "Add", final_op);
}

std::vector<float> Values(const Tensor& t) {
  return std::vector<float>(t.flat<float>().begin(), t.flat<float>().end());
}

TEST(LocalCollectiveTest, AGroupOfOneReturnsItsInput) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Const(root, {1.5f, -2.0f});
  Output sum = Reduce(root, x, 1, "Id");
  Output mean = Reduce(root, x, 1, "Div");
  Output sent = ops::CollectiveBcastSend(root, x, {1, 1, 8});
  std::vector<Output> grad;
  TG_ASSERT_OK(AddSymbolicGradients(
      root, {ops::Sum(root, ops::Mul(root, sum, sum), {0})}, {x}, &grad));
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({sum, mean, sent, grad[0]}, &out));
  EXPECT_THAT(Values(out[0]), ElementsAre(1.5f, -2.0f));
  EXPECT_THAT(Values(out[1]), ElementsAre(1.5f, -2.0f));
  EXPECT_THAT(Values(out[2]), ElementsAre(1.5f, -2.0f));
  EXPECT_THAT(Values(out[3]), ElementsAre(3.0f, -4.0f));  // 2 x
}

TEST(LocalCollectiveTest, GroupsLargerThanTheProcessesAndLoneReceivesFail) {
  Scope root = Scope::NewRootScope();
  Output sum =
      Reduce(root.WithOpName("sum"), ops::Const(root, {1.0f}), 2, "Id");
  Output received = ops::CollectiveBcastRecv(root.WithOpName("recv"), DT_FLOAT,
                                             ops::Const(root, {3}), {1, 1, 9});
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(session.Run({sum}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("node 'sum'"),
                             HasSubstr("group_size is 2 but 1 process"))));
  EXPECT_THAT(session.Run({received}, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("node 'recv'"), HasSubstr("mpirun"))));
}

}  // namespace
}  // namespace tg
