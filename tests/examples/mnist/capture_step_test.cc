// The reference MLP's training step as train_mlp --device=gpu runs it (the
// data set kept on the device, each batch gathered there by fed indices)
// is captured and replayed, and its losses and accuracies are those of the
// same steps on the CPU: on the tests' TEST device, which captures and
// replays steps as a GPU does (tests/testing/test_device.h), in every run;
// on a GPU (a CUDA Graph) where the build and the machine have one.
#include <random>

#include "examples/mnist/mlp.h"
#include "gtest/gtest.h"
#include "runtime/client_session.h"
#include "tests/testing/gpu.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

mnist::Dataset SyntheticData(int n) {
  mnist::Dataset d;
  d.train.images = Tensor(DT_FLOAT, TensorShape({n, 784}));
  d.train.labels = Tensor(DT_INT32, TensorShape({n}));
  std::mt19937 rng(5);
  for (float& v : d.train.images.flat<float>()) v = (rng() % 256) / 255.0f;
  for (int32_t& v : d.train.labels.flat<int32_t>()) {
    v = static_cast<int32_t>(rng() % 10);
  }
  d.test = d.train;
  return d;
}

struct Trained {
  std::vector<float> losses, accuracies;
  StepCaptureInfo capture;
};

Trained Train(const std::string& device, int steps) {
  const bool on_device = !device.empty();
  constexpr int kBatch = 50;
  const mnist::Dataset data = SyntheticData(400);
  Scope root = Scope::NewRootScope();
  mnist::MlpConfig config;
  mnist::Batches batches(root, data, on_device, kBatch, &config.images,
                         &config.labels);
  mnist::Mlp mlp = mnist::BuildMlp(root, config);
  EXPECT_TRUE(root.ok()) << root.status();
  SessionOptions options;
  options.placement.default_device = device;
  ClientSession session(root, options);
  Trained t;
  EXPECT_TRUE(session.Run({}, {}, {mlp.init}, nullptr).ok());
  EXPECT_TRUE(batches.Load(session).ok());
  absl::StatusOr<CallableHandle> step = session.MakeCallable(
      batches.FeedOutputs(mlp), {mlp.loss, mlp.accuracy}, {mlp.train});
  EXPECT_TRUE(step.ok()) << step.status();
  std::vector<int64_t> order(400);
  for (int i = 0; i < 400; ++i) order[i] = (i * 37) % 400;  // a permutation
  std::vector<Tensor> out;
  RunMetadata m;
  for (int i = 0; i < steps; ++i) {
    absl::Span<const Tensor> feeds = batches.Fill(order, (i * kBatch) % 400);
    EXPECT_TRUE(session.session()->RunCallable(*step, feeds, &out, &m).ok());
    t.losses.push_back(out[0].scalar<float>());
    t.accuracies.push_back(out[1].scalar<float>());
  }
  t.capture = m.capture;
  return t;
}

class CaptureStepTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() != "GPU") return;
    const std::string why = testing::WhyNoGpu();
    if (!why.empty()) GTEST_SKIP() << why;
  }
};

TEST_P(CaptureStepTest, TheMlpStepWithItsDataOnTheDeviceIsCapturedAndRight) {
  const Trained device = Train(absl::StrCat("/device:", GetParam(), ":0"), 12);
  const Trained cpu = Train("", 12);
  EXPECT_EQ(device.capture.refused, "");
  EXPECT_EQ(device.capture.failure, "");
  EXPECT_EQ(device.capture.captures, 1);
  EXPECT_EQ(device.capture.replays, 8);  // Steps 4 to 11 (before step 12).
  ASSERT_EQ(device.losses.size(), cpu.losses.size());
  for (size_t i = 0; i < cpu.losses.size(); ++i) {
    // A GPU sums in another order: agreement to float rounding.
    EXPECT_NEAR(device.losses[i], cpu.losses[i], 1e-4 * cpu.losses[i]) << i;
    EXPECT_NEAR(device.accuracies[i], cpu.accuracies[i], 0.021) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Devices, CaptureStepTest,
                         ::testing::Values("TEST", "GPU"));

}  // namespace
}  // namespace tg
