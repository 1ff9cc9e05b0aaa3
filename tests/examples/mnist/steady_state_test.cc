// A training step of the reference MLP, repeated, allocates nothing: its
// outputs live in the executor's planned arena (runtime/memory_plan.h).
#include <random>

#include "examples/mnist/mlp.h"
#include "gtest/gtest.h"
#include "runtime/client_session.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

struct Batch {
  Tensor x{DT_FLOAT, TensorShape({100, 784})};
  Tensor y{DT_INT32, TensorShape({100})};
  Batch() {
    std::mt19937 rng(3);
    for (float& v : x.flat<float>()) v = (rng() % 256) / 255.0f;
    for (int32_t& v : y.flat<int32_t>()) v = static_cast<int32_t>(rng() % 10);
  }
};

// Runs `steps` training steps fetching `fetches`; returns the allocator
// requests made by the last `measured` of them and the variables after.
struct StepResult {
  int64_t requests = 0;
  std::vector<Tensor> variables;
};

StepResult Train(bool plan_memory, bool fetch, int steps, int measured) {
  Scope root = Scope::NewRootScope();
  mnist::Mlp mlp = mnist::BuildMlp(root, mnist::MlpConfig());
  EXPECT_TRUE(root.ok()) << root.status();
  SessionOptions options;
  options.plan_memory = plan_memory;
  ClientSession session(root, options);
  StepResult result;
  EXPECT_TRUE(session.Run({}, {}, {mlp.init}, nullptr).ok());
  std::vector<Output> fetches;
  if (fetch) fetches = {mlp.loss, mlp.accuracy};
  absl::StatusOr<CallableHandle> step =
      session.MakeCallable({mlp.x, mlp.y}, fetches, {mlp.train});
  EXPECT_TRUE(step.ok()) << step.status();
  const Batch batch;
  const std::vector<Tensor> feeds = {batch.x, batch.y};
  std::vector<Tensor> out;
  CpuAllocatorStats before;
  for (int i = 0; i < steps; ++i) {
    if (i == steps - measured) before = GetCpuAllocatorStats();
    EXPECT_TRUE(session.RunCallable(*step, feeds, &out).ok());
  }
  result.requests = GetCpuAllocatorStats().requests - before.requests;
  EXPECT_TRUE(session.Run(mlp.variables, &result.variables).ok());
  return result;
}

TEST(SteadyStateTest, ATrainingStepOfTheReferenceMlpAllocatesNothing) {
  const StepResult r = Train(/*plan_memory=*/true, /*fetch=*/false, 8, 5);
  EXPECT_EQ(r.requests, 0);
}

TEST(SteadyStateTest, FetchingLossAndAccuracyAllocatesOnlyThem) {
  const StepResult r = Train(/*plan_memory=*/true, /*fetch=*/true, 8, 5);
  EXPECT_EQ(r.requests, 5 * 2);
}

TEST(SteadyStateTest, ThePlanDoesNotChangeTheResult) {
  const StepResult planned = Train(true, true, 6, 1);
  const StepResult plain = Train(false, true, 6, 1);
  ASSERT_EQ(planned.variables.size(), plain.variables.size());
  for (size_t i = 0; i < plain.variables.size(); ++i) {
    auto a = planned.variables[i].flat<float>();
    auto b = plain.variables[i].flat<float>();
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      ASSERT_EQ(a[k], b[k]) << "variable " << i << " element " << k;
    }
  }
}

}  // namespace
}  // namespace tg
