// Step capture and replay (runtime/executor_capture.cc) on the tests' TEST
// device, which records and replays launches as a GPU's stream capture
// does (tests/testing/test_device.h). Every expected value is computed
// here from the fed numbers, independently of the runtime.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/session.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_device.h"

namespace tg {
namespace {

using ::testing::HasSubstr;
using ::tg::testing::IsOk;

SessionOptions OnTest0() {
  SessionOptions o;
  o.placement.default_device = "/device:TEST:0";
  return o;
}

Tensor Floats(std::vector<float> v) { return Tensor::FromVector<float>(v); }

std::vector<float> Values(const Tensor& t) {
  auto f = t.flat<float>();
  return std::vector<float>(f.begin(), f.end());
}

// x (fed), v += 2x, fetch x * x + 1 and v.
struct Accumulator {
  Scope root = Scope::NewRootScope();
  Output x, v, init, square, update;
  std::unique_ptr<Session> session;

  explicit Accumulator(const SessionOptions& options, bool fixed_shape = true) {
    x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT,
                         PartialShape::Of({fixed_shape ? 4 : -1}));
    v = ops::Variable(root.WithOpName("v"), PartialShape::Of({-1}), DT_FLOAT);
    init = ops::Assign(root.WithOpName("init"), v,
                       ops::Const(root, Floats({0, 0, 0, 0})),
                       /*validate_shape=*/false);
    square = ops::Add(root.WithOpName("square"), ops::Mul(root, x, x),
                      ops::Const(root, 1.0f));
    update = ops::AssignAdd(root.WithOpName("update"), v,
                            ops::Mul(root, x, ops::Const(root, 2.0f)));
    TG_CHECK(root.status().ok());
    session = *Session::Create(root.graph_as_shared_ptr(), options);
    TG_CHECK(session->Run({}, {}, {"init"}, nullptr).ok());
  }
  // One step; checks its results against `sum`, the running sum of 2x.
  void Step(const std::vector<float>& xs, std::vector<float>* sum,
            RunMetadata* metadata = nullptr) {
    std::vector<Tensor> out;
    ASSERT_THAT(session->Run({{"x", Floats(xs)}}, {"square:0", "update:0"}, {},
                             &out, metadata),
                IsOk());
    std::vector<float> want_square;
    for (size_t i = 0; i < xs.size(); ++i) {
      want_square.push_back(xs[i] * xs[i] + 1);
      (*sum)[i] += 2 * xs[i];
    }
    EXPECT_EQ(Values(out[0]), want_square);
    EXPECT_EQ(Values(out[1]), *sum);
  }
};

std::vector<float> StepInput(int run) {
  return {1.0f + run, -2.0f * run, 0.5f, 3.0f - run};
}

TEST(StepCaptureTest, ReplaysGiveFreshResultsAndUpdateVariablesOnce) {
  Accumulator a(OnTest0());
  std::vector<float> sum(4, 0);
  RunMetadata m;
  for (int run = 0; run < 8; ++run) a.Step(StepInput(run), &sum, &m);
  EXPECT_EQ(m.capture.refused, "");
  EXPECT_EQ(m.capture.failure, "");
  EXPECT_EQ(m.capture.captures, 1);
  // Runs 1 and 2 plan memory, run 3 records, runs 4 to 7 replay (the
  // metadata is taken before run 8).
  EXPECT_EQ(m.capture.replays, 4);
}

TEST(StepCaptureTest, OtherFeedShapesRunPlainlyThenCaptureAgain) {
  Accumulator a(OnTest0(), /*fixed_shape=*/false);
  std::vector<float> sum(4, 0);
  for (int run = 0; run < 5; ++run) a.Step(StepInput(run), &sum);
  // v has 4 elements: a longer x fails in AssignAdd, naming the node, and
  // leaves v as it was.
  std::vector<Tensor> out;
  EXPECT_THAT(a.session->Run({{"x", Floats({1, 2, 3, 4, 5, 6})}}, {"square:0"},
                             {"update"}, &out),
              ::tg::testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("update")));
  RunMetadata m;
  for (int run = 5; run < 14; ++run) a.Step(StepInput(run), &sum, &m);
  EXPECT_GE(m.capture.captures, 1);
  EXPECT_GE(m.capture.replays, 3);
}

TEST(StepCaptureTest, AVariableGivenANewBufferIsNotReplayedStale) {
  Accumulator a(OnTest0());
  std::vector<float> sum(4, 0);
  for (int run = 0; run < 5; ++run) a.Step(StepInput(run), &sum);
  // Another shape, then back: v holds a new buffer, zeroed.
  Scope& root = a.root;
  ops::Assign(root.WithOpName("widen"), a.v, ops::Const(root, Floats({7, 7})),
              /*validate_shape=*/false);
  ASSERT_THAT(root.status(), IsOk());
  ASSERT_THAT(a.session->Run({}, {}, {"widen"}, nullptr), IsOk());
  ASSERT_THAT(a.session->Run({}, {}, {"init"}, nullptr), IsOk());
  sum.assign(4, 0);
  RunMetadata m;
  for (int run = 5; run < 12; ++run) a.Step(StepInput(run), &sum, &m);
  EXPECT_EQ(m.capture.captures, 2);
}

TEST(StepCaptureTest, FetchingTheVariableAloneSeesTheReplayedUpdates) {
  Accumulator a(OnTest0());
  std::vector<float> sum(4, 0);
  for (int run = 0; run < 6; ++run) a.Step(StepInput(run), &sum);
  std::vector<Tensor> out;
  ASSERT_THAT(a.session->Run({}, {"v:0"}, {}, &out), IsOk());
  EXPECT_EQ(Values(out[0]), sum);
}

TEST(StepCaptureTest, TurnedOffOrOnTheCpuNothingIsCaptured) {
  SessionOptions off = OnTest0();
  off.capture_steps = false;
  SessionOptions cpu;
  for (const SessionOptions& o : {off, cpu}) {
    Accumulator a(o);
    std::vector<float> sum(4, 0);
    RunMetadata m;
    for (int run = 0; run < 6; ++run) a.Step(StepInput(run), &sum, &m);
    EXPECT_EQ(m.capture.captures, 0);
    EXPECT_EQ(m.capture.replays, 0);
  }
  Accumulator a(off);
  std::vector<float> sum(4, 0);
  RunMetadata m;
  a.Step(StepInput(0), &sum, &m);
  EXPECT_EQ(m.capture.refused, "step capture is off");
  Accumulator c(cpu);
  sum.assign(4, 0);
  c.Step(StepInput(0), &sum, &m);
  EXPECT_THAT(m.capture.refused, HasSubstr("no node runs on a device"));
}

// A host value the device's launches are planned with, fed each run, would
// be stale in a replay: such a step is never captured, and stays right.
TEST(StepCaptureTest, AStepReadingAFedHostValueIsNotCaptured) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  Output shape = ops::Placeholder(root.WithOpName("shape"), DT_INT32);
  ops::Mul(root.WithOpName("y"), ops::Reshape(root, x, shape),
           ops::Const(root, 3.0f));
  ASSERT_THAT(root.status(), IsOk());
  std::unique_ptr<Session> session =
      *Session::Create(root.graph_as_shared_ptr(), OnTest0());
  RunMetadata m;
  for (int run = 0; run < 6; ++run) {
    const std::vector<int32_t> dims =
        run % 2 == 0 ? std::vector<int32_t>{2, 3} : std::vector<int32_t>{3, 2};
    std::vector<Tensor> out;
    ASSERT_THAT(session->Run({{"x", Floats({1, 2, 3, 4, 5, 6})},
                              {"shape", Tensor::FromVector<int32_t>(dims)}},
                             {"y:0"}, {}, &out, &m),
                IsOk());
    EXPECT_EQ(out[0].shape(), TensorShape({dims[0], dims[1]}));
    EXPECT_EQ(Values(out[0]), std::vector<float>({3, 6, 9, 12, 15, 18}));
  }
  EXPECT_THAT(m.capture.refused, HasSubstr("changes from run to run"));
  EXPECT_EQ(m.capture.replays, 0);
}

}  // namespace
}  // namespace tg
