// Runs 20 steps of each optimizer on a small linear regression (float64)
// and writes the data, the initial parameters and the parameters after the
// steps as .npy files into --out_dir, for
// scripts/check_optimizers_vs_pytorch.py to replay in PyTorch.
//
// Model: pred = X W + b, loss = mean((pred - Y)^2); X [32, 5], W [5, 3],
// b [3].
#include <cstdio>
#include <functional>
#include <memory>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "core/npy.h"
#include "ops/optimizers.h"
#include "ops/standard_ops.h"
#include "ops/variables.h"
#include "runtime/client_session.h"

ABSL_FLAG(std::string, out_dir, ".", "Where to write the .npy files.");
ABSL_FLAG(int, steps, 20, "Optimizer steps per configuration.");

namespace tg {
namespace {

Tensor RandomMatrix(int64_t rows, int64_t cols, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(-1, 1);
  Tensor t(DT_DOUBLE, TensorShape({rows, cols}));
  for (double& v : t.flat<double>()) v = u(rng);
  return t;
}

struct Config {
  std::string name;
  std::function<std::unique_ptr<train::Optimizer>()> make;
};

absl::Status Run() {
  const std::string out = absl::GetFlag(FLAGS_out_dir);
  std::mt19937_64 rng(42);
  const Tensor x = RandomMatrix(32, 5, rng);
  const Tensor y = RandomMatrix(32, 3, rng);
  const Tensor w0 = RandomMatrix(5, 3, rng);
  Tensor b0 = RandomMatrix(1, 3, rng);
  TG_ASSIGN_OR_RETURN(b0, b0.Reshaped(TensorShape({3})));
  for (const auto& [name, t] : std::vector<std::pair<std::string, Tensor>>{
           {"x", x}, {"y", y}, {"w0", w0}, {"b0", b0}}) {
    TG_RETURN_IF_ERROR(WriteNpyFile(t, absl::StrCat(out, "/", name, ".npy")));
  }
  const std::vector<Config> configs = {
      {"sgd",
       [] { return std::make_unique<train::GradientDescentOptimizer>(0.1); }},
      {"momentum",
       [] { return std::make_unique<train::MomentumOptimizer>(0.05, 0.9); }},
      {"nesterov",
       [] {
         return std::make_unique<train::MomentumOptimizer>(0.05, 0.9, true);
       }},
      {"rmsprop",
       [] { return std::make_unique<train::RMSPropOptimizer>(0.01); }},
      {"rmsprop_momentum",
       [] {
         return std::make_unique<train::RMSPropOptimizer>(0.01, 0.9, 0.5);
       }},
      {"rmsprop_centered",
       [] {
         return std::make_unique<train::RMSPropOptimizer>(0.01, 0.9, 0.5, 1e-10,
                                                          true);
       }},
      {"adam", [] { return std::make_unique<train::AdamOptimizer>(0.01); }},
  };
  for (const Config& config : configs) {
    Scope root = Scope::NewRootScope();
    Output w = ops::CreateVariable(root.WithOpName("W"),
                                   PartialShape::Of({5, 3}), DT_DOUBLE, w0);
    Output b = ops::CreateVariable(root.WithOpName("b"), PartialShape::Of({3}),
                                   DT_DOUBLE, b0);
    Output pred = ops::BiasAdd(root, ops::MatMul(root, x, w), b);
    Output loss = ops::Mean(root, ops::Square(root, ops::Sub(root, pred, y)),
                            Tensor::FromVector<int32_t>({0, 1}));
    std::unique_ptr<train::Optimizer> opt = config.make();
    TG_ASSIGN_OR_RETURN(Operation step, opt->Minimize(root, loss));
    Operation init = ops::GlobalVariablesInitializer(root);
    TG_RETURN_IF_ERROR(root.status());
    ClientSession session(root);
    TG_RETURN_IF_ERROR(session.Run({}, {}, {init}, nullptr));
    for (int i = 0; i < absl::GetFlag(FLAGS_steps); ++i) {
      TG_RETURN_IF_ERROR(session.Run({}, {}, {step}, nullptr));
    }
    std::vector<Tensor> vals;
    TG_RETURN_IF_ERROR(session.Run({w, b}, &vals));
    TG_RETURN_IF_ERROR(
        WriteNpyFile(vals[0], absl::StrCat(out, "/w_", config.name, ".npy")));
    TG_RETURN_IF_ERROR(
        WriteNpyFile(vals[1], absl::StrCat(out, "/b_", config.name, ".npy")));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace tg

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::Status s = tg::Run();
  if (!s.ok()) {
    std::fprintf(stderr, "optimizer_steps: %s\n",
                 std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
