// The CUDA device on a real GPU: copies, cuBLAS products, errors, and
// training steps of the reference MLP against the CPU. Every test skips,
// saying why, in a build without --config=cuda or on a machine without a
// GPU; the op-case table's agreement checker (tests/ops) covers each op.
#include <cmath>

#include "core/device_factory.h"
#include "examples/mnist/mlp.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "tests/testing/gradient_checker.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tensor_matchers.h"

namespace tg {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::tg::testing::StatusIs;

constexpr char kGpu[] = "/device:GPU:0";

class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (DevicePriority(kDeviceGpu) < 0) {
      GTEST_SKIP() << "built without --config=cuda: no GPU device";
    }
    absl::StatusOr<std::vector<std::unique_ptr<Device>>> devices =
        CreateDevices({}, {"GPU"});
    ASSERT_TRUE(devices.ok()) << devices.status();
    for (auto& d : *devices) {
      if (d->type() == kDeviceGpu) gpu_ = std::move(d);
    }
    if (gpu_ == nullptr) {
      GTEST_SKIP() << "no GPU on this machine (" << NoDevicesReason(kDeviceGpu)
                   << ")";
    }
  }
  static SessionOptions OnGpu() {
    SessionOptions o;
    o.placement.default_device = kGpu;
    return o;
  }
  std::unique_ptr<Device> gpu_;
};

TEST_F(GpuTest, CopiesRoundTripBitForBit) {
  Tensor host = testing::RandomTensor({1000, 37}, -3, 3, 7, true);
  TG_ASSERT_OK_AND_ASSIGN(Tensor on_gpu,
                          host.CheckedDeepCopy(gpu_->allocator()));
  EXPECT_EQ(on_gpu.MemoryName(), kGpu);
  TG_ASSERT_OK_AND_ASSIGN(Tensor again,
                          on_gpu.CheckedDeepCopy(gpu_->allocator()));
  TG_ASSERT_OK_AND_ASSIGN(Tensor back, again.ToHost());
  TG_ASSERT_OK(gpu_->Sync());
  EXPECT_THAT(back, testing::BitIdenticalTo(host));
}

// x w in double on the GPU against a plain triple loop.
TEST_F(GpuTest, MatMulMatchesAReferenceLoop) {
  Scope root = Scope::NewRootScope();
  Tensor a = testing::RandomTensor({33, 70}, -1, 1, 3, true);
  Tensor b = testing::RandomTensor({70, 45}, -1, 1, 4, true);
  ops::MatMul(root.WithOpName("y"), ops::Const(root, a), ops::Const(root, b),
              /*transpose_a=*/false,
              /*transpose_b=*/false);
  ClientSession session(root, OnGpu());
  std::vector<Tensor> out;
  RunMetadata m;
  TG_ASSERT_OK(session.session()->Run({}, {"y:0"}, {}, &out, &m));
  EXPECT_THAT(m.placement, ::testing::Contains(::testing::Pair("y", kGpu)));
  for (int i = 0; i < 33; ++i) {
    for (int j = 0; j < 45; ++j) {
      double want = 0;
      for (int k = 0; k < 70; ++k) {
        want += a.flat<double>()[i * 70 + k] * b.flat<double>()[k * 45 + j];
      }
      EXPECT_NEAR(out[0].flat<double>()[i * 45 + j], want, 1e-12);
    }
  }
}

TEST_F(GpuTest, OutOfMemoryNamesTheNodeAndTheBytes) {
  Scope root = Scope::NewRootScope();
  // 2^42 floats: 16 TiB.
  Output big =
      ops::Fill(root.WithOpName("big"),
                ops::Const(root, Tensor::FromVector<int64_t>(
                                     {int64_t{1} << 21, int64_t{1} << 21})),
                1.0f);
  ops::Sum(root.WithOpName("s"), big, {0, 1});
  ClientSession session(root, OnGpu());
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.session()->Run({}, {"s:0"}, {}, &out),
      StatusIs(absl::StatusCode::kResourceExhausted,
               AllOf(HasSubstr("node 'big'"), HasSubstr("17592186044416 bytes"),
                     HasSubstr("free of"))));
  // The device is still usable.
  Scope ok = Scope::NewRootScope();
  ops::Square(ok.WithOpName("y"), ops::Const(ok, {3.0f}));
  ClientSession again(ok, OnGpu());
  TG_ASSERT_OK(again.Run({Output(ok.graph()->FindNode("y"))}, &out));
  EXPECT_EQ(out[0].flat<float>()[0], 9.0f);
}

TEST_F(GpuTest, ABadLabelIsAnErrorNamingTheNode) {
  Scope root = Scope::NewRootScope();
  Output logits = ops::Const(root, {{1.f, 2.f}, {3.f, 4.f}});
  Output labels = ops::Placeholder(root.WithOpName("labels"), DT_INT32);
  ops::SparseSoftmaxCrossEntropyWithLogits(root.WithOpName("xent"), logits,
                                           labels);
  ClientSession session(root, OnGpu());
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.session()->Run({{"labels", Tensor::FromVector<int32_t>({0, 7})}},
                             {"xent:0"}, {}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'xent'"), HasSubstr("labels[1] = 7"),
                     HasSubstr("not in [0, 2)"))));
  TG_ASSERT_OK(session.session()->Run(
      {{"labels", Tensor::FromVector<int32_t>({0, 1})}}, {"xent:0"}, {}, &out));
  // logsumexp(1, 2) - 1 and logsumexp(3, 4) - 4.
  EXPECT_NEAR(out[0].flat<float>()[0],
              std::log(std::exp(1.) + std::exp(2.)) - 1, 1e-6);
  EXPECT_NEAR(out[0].flat<float>()[1],
              std::log(std::exp(3.) + std::exp(4.)) - 4, 1e-6);
}

// The indices stay in device memory: the device checks them and the run
// fails when it synchronizes, naming the node, the index and the range.
TEST_F(GpuTest, ABadIndexIsReportedNamingTheNode) {
  Scope root = Scope::NewRootScope();
  Output params = ops::Const(root, {{1.f, 2.f}, {3.f, 4.f}, {5.f, 6.f}});
  Output idx = ops::Placeholder(root.WithOpName("idx"), DT_INT32);
  ops::GatherV2(root.WithOpName("g"), params, idx, 0);
  ClientSession session(root, OnGpu());
  std::vector<Tensor> out;
  EXPECT_THAT(
      session.session()->Run({{"idx", Tensor::FromVector<int32_t>({0, 9})}},
                             {"g:0"}, {}, &out),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("node 'g' (GatherV2)"),
                     HasSubstr("indices[1] = 9 is not in [0, 3)"))));
  TG_ASSERT_OK(session.session()->Run(
      {{"idx", Tensor::FromVector<int32_t>({2, 0})}}, {"g:0"}, {}, &out));
  EXPECT_THAT(out[0].flat<float>(), ::testing::ElementsAre(5, 6, 1, 2));
}

// Ten SGD steps of the reference MLP on the GPU and on the CPU, from the same
// initial weights and batches: the losses agree to float rounding.
TEST_F(GpuTest, MlpTrainingStepsMatchTheCpu) {
  std::vector<std::vector<float>> losses(2);
  for (int on_gpu = 0; on_gpu < 2; ++on_gpu) {
    Scope root = Scope::NewRootScope();
    mnist::Mlp mlp = mnist::BuildMlp(root, {});
    ClientSession session(root, on_gpu ? OnGpu() : SessionOptions());
    std::vector<Tensor> out;
    TG_ASSERT_OK(session.Run({}, {}, {mlp.init}, nullptr));
    for (int step = 0; step < 10; ++step) {
      Tensor x = testing::RandomTensor({100, 784}, 0, 1, 100 + step, false);
      Tensor xf(DT_FLOAT, x.shape());
      for (int64_t i = 0; i < x.NumElements(); ++i) {
        xf.flat<float>()[i] = static_cast<float>(x.flat<double>()[i]);
      }
      Tensor y(DT_INT32, TensorShape({100}));
      for (int i = 0; i < 100; ++i) y.flat<int32_t>()[i] = (i * 7 + step) % 10;
      TG_ASSERT_OK(session.Run({{mlp.x, xf}, {mlp.y, y}}, {mlp.loss},
                               {mlp.train}, &out));
      losses[on_gpu].push_back(out[0].scalar<float>());
    }
  }
  for (int step = 0; step < 10; ++step) {
    EXPECT_NEAR(losses[1][step], losses[0][step], 1e-4) << "step " << step;
  }
}

}  // namespace
}  // namespace tg
