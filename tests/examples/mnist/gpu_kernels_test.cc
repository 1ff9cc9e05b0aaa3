// Every op of the reference training graph (each optimizer) has a GPU
// kernel in the CUDA build, so train_mlp --device=gpu runs wholly on the
// GPU. Needs no GPU: it reads the kernel registry.
#include <set>

#include "core/device_factory.h"
#include "core/op_kernel.h"
#include "examples/mnist/mlp.h"
#include "gtest/gtest.h"

namespace tg {
namespace mnist {
namespace {

TEST(GpuKernelsTest, EveryOpOfTheTrainingGraphHasOne) {
  if (DevicePriority(kDeviceGpu) < 0) {
    GTEST_SKIP() << "built without --config=cuda: no GPU kernels to check";
  }
  for (const char* optimizer : {"sgd", "momentum", "rmsprop", "adam"}) {
    Scope root = Scope::NewRootScope();
    MlpConfig config;
    config.optimizer = optimizer;
    config.dropout = 0.1f;
    BuildMlp(root, config);
    ASSERT_TRUE(root.status().ok()) << root.status();
    std::set<std::string> missing;
    for (const Node* n : root.graph()->nodes()) {
      if (!KernelRegistry::Global()->Find(n->def(), kDeviceGpu).ok()) {
        missing.insert(n->op());
      }
    }
    EXPECT_TRUE(missing.empty()) << optimizer << ": no GPU kernel for "
                                 << ::testing::PrintToString(missing);
  }
}

}  // namespace
}  // namespace mnist
}  // namespace tg
