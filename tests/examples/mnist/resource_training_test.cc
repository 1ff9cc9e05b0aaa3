// The reference MLP trained with resource variables gives what it gives
// with reference variables, with every optimizer, and a checkpoint written
// by either restores into a graph built the other way.
#include <random>

#include "examples/mnist/mlp.h"
#include "gtest/gtest.h"
#include "ops/variables.h"
#include "runtime/client_session.h"
#include "runtime/saver.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/tensor_matchers.h"
#include "tests/testing/testdata.h"

namespace tg {
namespace {

struct Batch {
  Tensor x{DT_FLOAT, TensorShape({50, 784})};
  Tensor y{DT_INT32, TensorShape({50})};
  explicit Batch(int seed) {
    std::mt19937 rng(seed);
    for (float& v : x.flat<float>()) v = (rng() % 256) / 255.0f;
    for (int32_t& v : y.flat<int32_t>()) v = static_cast<int32_t>(rng() % 10);
  }
};

struct Model {
  Scope root = Scope::NewRootScope();
  mnist::Mlp mlp;
  std::unique_ptr<ClientSession> session;

  Model(bool resource, const std::string& optimizer) {
    mnist::MlpConfig config;
    config.hidden = {32, 16};
    config.resource_variables = resource;
    config.optimizer = optimizer;
    config.learning_rate = optimizer == "sgd" ? 0.5f : 0.01f;
    mlp = mnist::BuildMlp(root, config);
    TG_CHECK(root.ok());
    session = std::make_unique<ClientSession>(root);
  }
  // Losses of `steps` training steps from the initial values.
  std::vector<float> Train(int steps) {
    std::vector<float> losses;
    EXPECT_TRUE(session->Run({}, {}, {mlp.init}, nullptr).ok());
    for (int i = 0; i < steps; ++i) {
      const Batch b(i);
      std::vector<Tensor> out;
      EXPECT_TRUE(
          session
              ->Run({{mlp.x, b.x}, {mlp.y, b.y}}, {mlp.loss}, {mlp.train}, &out)
              .ok());
      losses.push_back(out[0].scalar<float>());
    }
    return losses;
  }
  std::vector<Tensor> Variables() {
    std::vector<Tensor> out;
    EXPECT_TRUE(session->Run(mlp.variables, &out).ok());
    return out;
  }
};

class ResourceTrainingTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ResourceTrainingTest, SameLossesAndVariablesAsReferenceVariables) {
  Model ref(false, GetParam()), res(true, GetParam());
  const ops::VariableInfo info = ops::GetVariableInfo(res.mlp.variables[0]);
  ASSERT_TRUE(info.resource);
  EXPECT_EQ(info.node->op(), "VarHandleOp");
  EXPECT_EQ(ref.Train(6), res.Train(6));
  const std::vector<Tensor> a = ref.Variables(), b = res.Variables();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_THAT(b[i], testing::BitIdenticalTo(a[i])) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Optimizers, ResourceTrainingTest,
                         ::testing::Values("sgd", "momentum", "rmsprop",
                                           "adam"));

TEST(ResourceCheckpointTest, RestoresIntoAGraphBuiltEitherWay) {
  for (bool from_resource : {false, true}) {
    Model writer(from_resource, "adam");
    writer.Train(3);
    const std::string prefix =
        testing::TempDir() + (from_resource ? "/res" : "/ref");
    TG_ASSERT_OK(Saver().Save(writer.session->session(), prefix).status());
    Model reader(!from_resource, "adam");
    TG_ASSERT_OK(Saver().Restore(reader.session->session(), prefix));
    const std::vector<Tensor> a = writer.Variables(), b = reader.Variables();
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_THAT(b[i], testing::BitIdenticalTo(a[i])) << i;
    }
    // The optimizer's slots came along: one more step agrees too.
    const Batch batch(99);
    std::vector<Tensor> la, lb;
    TG_ASSERT_OK(
        writer.session->Run({{writer.mlp.x, batch.x}, {writer.mlp.y, batch.y}},
                            {writer.mlp.loss}, {writer.mlp.train}, &la));
    TG_ASSERT_OK(
        reader.session->Run({{reader.mlp.x, batch.x}, {reader.mlp.y, batch.y}},
                            {reader.mlp.loss}, {reader.mlp.train}, &lb));
    EXPECT_EQ(la[0].scalar<float>(), lb[0].scalar<float>());
    const std::vector<Tensor> a2 = writer.Variables(), b2 = reader.Variables();
    for (size_t i = 0; i < a2.size(); ++i) {
      EXPECT_THAT(b2[i], testing::BitIdenticalTo(a2[i])) << i;
    }
  }
}

}  // namespace
}  // namespace tg
