// CollectiveReduceV2 on a GPU through NCCL, one rank (no launcher: the
// session's context is the local one, and NCCL's communicator has one
// member). Skips, saying why, without a GPU or outside --config=cuda.
#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/session.h"
#include "tests/testing/gpu.h"
#include "tests/testing/status_matchers.h"

namespace tg {
namespace {

class NcclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = testing::WhyNoGpu();
    if (!why.empty()) GTEST_SKIP() << why;
  }
  static SessionOptions OnGpu() {
    SessionOptions o;
    o.placement.default_device = "/device:GPU:0";
    return o;
  }
};

// Where `node` ran in `metadata`.
std::string DeviceOf(const RunMetadata& metadata, const std::string& node) {
  for (const auto& [name, device] : metadata.placement) {
    if (name == node) return device;
  }
  return "";
}

TEST_F(NcclTest, OneRankReducesOnTheGpu) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::CollectiveReduce(root.WithOpName("sum"), x, {1, 1, 1}, "Add", "Id");
  ops::CollectiveReduce(root.WithOpName("mean"), x, {1, 1, 2}, "Add", "Div");
  ops::CollectiveReduce(root.WithOpName("max"), x, {1, 1, 3}, "Max", "Id");
  Output n = ops::Placeholder(root.WithOpName("n"), DT_INT64);
  ops::CollectiveReduce(root.WithOpName("isum"), n, {1, 1, 4}, "Add", "Id");
  TG_ASSERT_OK(root.status());
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def, OnGpu()));
  // A million elements: NCCL moves them in several chunks.
  constexpr int64_t kN = 1 << 20;
  Tensor values(DT_FLOAT, TensorShape({kN}));
  Tensor ints(DT_INT64, TensorShape({3}));
  for (int64_t i = 0; i < kN; ++i) {
    values.flat<float>()[i] = std::sin(0.001f * static_cast<float>(i));
  }
  for (int64_t i = 0; i < 3; ++i) ints.flat<int64_t>()[i] = (i - 1) << 40;
  std::vector<Tensor> out;
  RunMetadata metadata;
  TG_ASSERT_OK(session->Run({{"x", values}, {"n", ints}},
                            {"sum", "mean", "max", "isum"}, {}, &out,
                            &metadata));
  for (const char* node : {"sum", "mean", "max", "isum"}) {
    EXPECT_EQ(DeviceOf(metadata, node), "/device:GPU:0") << node;
  }
  // One rank: every merge of one tensor is that tensor.
  for (int k = 0; k < 3; ++k) {
    ASSERT_EQ(out[k].NumElements(), kN);
    for (int64_t i = 0; i < kN; i += 4099) {
      ASSERT_EQ(out[k].flat<float>()[i], values.flat<float>()[i]) << k << i;
    }
  }
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[3].flat<int64_t>()[i], (i - 1) << 40);
  }
}

TEST_F(NcclTest, RepeatedStepsAreNotCaptured) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::Add(root.WithOpName("y"),
           ops::CollectiveReduce(root, ops::Mul(root, x, 2.0f), {1, 1, 1}),
           1.0f);
  TG_ASSERT_OK(root.status());
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def, OnGpu()));
  TG_ASSERT_OK_AND_ASSIGN(CallableHandle step,
                          session->MakeCallable({{"x:0"}, {"y:0"}, {}}));
  std::vector<Tensor> out;
  for (int run = 0; run < 6; ++run) {
    const float v = static_cast<float>(run);
    TG_ASSERT_OK(session->RunCallable(
        step, {Tensor::FromVector<float>({v, -v, 0.5f})}, &out));
    EXPECT_EQ(out[0].flat<float>()[0], 2 * v + 1);
    EXPECT_EQ(out[0].flat<float>()[1], -2 * v + 1);
    EXPECT_EQ(out[0].flat<float>()[2], 2.0f);
  }
  TG_ASSERT_OK_AND_ASSIGN(StepCaptureInfo capture,
                          session->CallableCaptureInfo(step));
  EXPECT_EQ(capture.replays, 0);
}

TEST_F(NcclTest, AverageOfAMaxIsRefusedOnTheGpu) {
  Scope root = Scope::NewRootScope();
  Output x = ops::Placeholder(root.WithOpName("x"), DT_FLOAT);
  ops::CollectiveReduce(root.WithOpName("m"), x, {1, 1, 1}, "Max", "Div");
  GraphDef def;
  TG_ASSERT_OK(root.ToGraphDef(&def));
  TG_ASSERT_OK_AND_ASSIGN(auto session, Session::Create(def, OnGpu()));
  std::vector<Tensor> out;
  absl::Status s =
      session->Run({{"x", Tensor::FromVector<float>({1.0f})}}, {"m"}, {}, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented) << s;
  EXPECT_NE(std::string(s.message()).find("NCCL averages sums only"),
            std::string::npos)
      << s;
}

}  // namespace
}  // namespace tg
