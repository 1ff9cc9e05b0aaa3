#include "core/runtime/session.h"

#include "core/runtime/client_session.h"
#include "gmock/gmock.h"
#include "graph/graph_def_io.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

TEST(ClientSessionTest, EvaluatesArithmetic) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output y = ops::Add(root, ops::Mul(root, x, 2.0f), 1.0f);
  ClientSession session(root);
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({{x, Tensor::FromVector<float>({1, 2, 3})}}, {y},
                           &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(3, 5, 7));
}

TEST(ClientSessionTest, VariablesPersistAcrossRuns) {
  Scope root = Scope::NewRootScope();
  Output w = ops::Variable(root.WithOpName("w"), PartialShape::Of({2}),
                           DT_FLOAT);
  Output init = ops::Assign(root, w, {1.0f, 2.0f});
  Output step = ops::ApplyGradientDescent(root, w, 0.5f, {2.0f, 4.0f});
  ClientSession session(root);
  std::vector<Tensor> out;
  EXPECT_THAT(session.Run({}, {w}, &out),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("'w'")));
  TG_ASSERT_OK(session.Run({}, {}, {init.op()}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step.op()}, nullptr));
  TG_ASSERT_OK(session.Run({}, {}, {step.op()}, nullptr));
  TG_ASSERT_OK(session.Run({w}, &out));
  // 1 - 2 * 0.5 * 2 = -1, 2 - 2 * 0.5 * 4 = -2.
  EXPECT_THAT(out[0].flat<float>(), ElementsAre(-1, -2));
}

}  // namespace
}  // namespace tg
