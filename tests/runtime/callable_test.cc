// Session::MakeCallable / RunCallable, and signatures whose names contain
// the characters a joined string key would have confused.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

TEST(CallableTest, RunsWithFeedsInTheGivenOrder) {
  Scope root = Scope::NewRootScope();
  Output a = ops::Placeholder(root.WithOpName("a"), DT_FLOAT);
  Output b = ops::Placeholder(root.WithOpName("b"), DT_FLOAT);
  Output d = ops::Sub(root.WithOpName("d"), a, b);
  Output s = ops::Add(root.WithOpName("s"), a, b);
  ClientSession session(root);
  // "b" before "a": values follow the callable's order, not the names'.
  TG_ASSERT_OK_AND_ASSIGN(CallableHandle h,
                          session.MakeCallable({b, a}, {d, s}, {}));
  std::vector<Tensor> out;
  for (float x : {1.0f, 5.0f, -2.0f}) {
    TG_ASSERT_OK(session.RunCallable(
        h, {Tensor::Scalar(10.0f), Tensor::Scalar(x)}, &out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].scalar<float>(), x - 10.0f);
    EXPECT_EQ(out[1].scalar<float>(), x + 10.0f);
  }
}

TEST(CallableTest, TargetsRunForTheirEffect) {
  Scope root = Scope::NewRootScope();
  Output v =
      ops::Variable(root.WithOpName("v"), PartialShape::Of({}), DT_FLOAT);
  Output init = ops::Assign(root, v, 0.0f);
  Output inc = ops::AssignAdd(root.WithOpName("inc"), v, 1.5f);
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init.op()}, nullptr));
  TG_ASSERT_OK_AND_ASSIGN(CallableHandle h,
                          session.MakeCallable({}, {}, {inc.op()}));
  for (int i = 0; i < 4; ++i) TG_ASSERT_OK(session.RunCallable(h, {}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({v}, &out));
  EXPECT_EQ(out[0].scalar<float>(), 6.0f);
}

TEST(CallableTest, ErrorsNameTheProblem) {
  Scope root = Scope::NewRootScope();
  Output a = ops::Placeholder(root.WithOpName("a"), DT_FLOAT);
  Output y = ops::Neg(root.WithOpName("y"), a);
  std::unique_ptr<Session> session =
      *Session::Create(root.graph_as_shared_ptr());
  EXPECT_THAT(session->MakeCallable({{"nope:0"}, {"y:0"}, {}}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(
      session->MakeCallable({{"a:0", "a:0"}, {"y:0"}, {}}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("given twice")));
  TG_ASSERT_OK_AND_ASSIGN(CallableHandle h,
                          session->MakeCallable({{"a:0"}, {"y:0"}, {}}));
  std::vector<Tensor> out;
  EXPECT_THAT(session->RunCallable(h, {}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("takes 1 feeds, not 0")));
  EXPECT_THAT(session->RunCallable(h, {Tensor::Scalar(1)}, &out),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("int32")));
  EXPECT_THAT(session->RunCallable(h + 100, {Tensor::Scalar(1.0f)}, &out),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handle")));
  TG_ASSERT_OK(session->ReleaseCallable(h));
  EXPECT_THAT(session->RunCallable(h, {Tensor::Scalar(1.0f)}, &out),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handle")));
  EXPECT_THAT(session->ReleaseCallable(h),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("handle")));
}

// Node names may hold ',' and '|' (TensorFlow accepts them in imported
// graphs): targets {"a", "b"} and {"a,b"} are different signatures, and so
// are fetches {"m:0", "n:0"} and {"m:0,n:0"}.
TEST(SignatureTest, NamesWithSeparatorsDoNotAlias) {
  Scope root = Scope::NewRootScope();
  auto counter = [&](const std::string& name) {
    Output v = ops::Variable(root.WithOpName(name + "_v"), PartialShape::Of({}),
                             DT_FLOAT);
    Output init = ops::Assign(root.WithOpName(name + "_init"), v, 0.0f);
    Output inc = ops::AssignAdd(root.WithOpName(name), v, 1.0f);
    return std::make_pair(init.op(), v);
  };
  auto [init_a, va] = counter("a");
  auto [init_b, vb] = counter("b");
  auto [init_ab, vab] = counter("a,b");
  ClientSession session(root);
  TG_ASSERT_OK(session.Run({}, {}, {init_a, init_b, init_ab}, nullptr));
  Session* s = session.session();
  TG_ASSERT_OK(s->Run({}, {}, {"a", "b"}, nullptr));
  TG_ASSERT_OK(s->Run({}, {}, {"a,b"}, nullptr));
  TG_ASSERT_OK(s->Run({}, {}, {"a,b"}, nullptr));
  std::vector<Tensor> out;
  TG_ASSERT_OK(session.Run({va, vb, vab}, &out));
  EXPECT_EQ(out[0].scalar<float>(), 1.0f);
  EXPECT_EQ(out[1].scalar<float>(), 1.0f);
  EXPECT_EQ(out[2].scalar<float>(), 2.0f);

  // Two fetch lists that would join into the same text.
  ops::Const(root.WithOpName("m"), 3.0f);
  ops::Const(root.WithOpName("n"), 4.0f);
  ops::Const(root.WithOpName("m:0,n"), 7.0f);
  ClientSession session2(root);
  Session* s2 = session2.session();
  TG_ASSERT_OK(s2->Run({}, {"m:0", "n:0"}, {}, &out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].scalar<float>(), 4.0f);
  TG_ASSERT_OK(s2->Run({}, {"m:0,n:0"}, {}, &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].scalar<float>(), 7.0f);
}

}  // namespace
}  // namespace tg
