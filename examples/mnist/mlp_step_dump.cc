// Runs one SGD step of the reference MLP on the first 100 MNIST training
// images and writes, as .npy files into --out_dir: the initial variables
// (w0..w5, in Mlp::variables order), the batch (x, y), the loss of that
// step, and the variables after it (w0_after..w5_after).
// scripts/check_step_vs_pytorch.py replays the step in PyTorch from the same
// inputs and compares.
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "core/npy.h"
#include "examples/mnist/mlp.h"
#include "examples/mnist/mnist_data.h"
#include "runtime/client_session.h"

ABSL_FLAG(std::string, data_dir, "", "MNIST folder (default as train_mlp).");
ABSL_FLAG(std::string, out_dir, ".", "Where to write the .npy files.");
ABSL_FLAG(int, batch_size, 100, "Examples in the step.");

namespace tg {
namespace mnist {
namespace {

absl::Status Dump() {
  std::string dir = absl::GetFlag(FLAGS_data_dir);
  if (dir.empty()) dir = DefaultDataDir();
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  const int batch = absl::GetFlag(FLAGS_batch_size);
  TG_ASSIGN_OR_RETURN(Dataset data, LoadDataset(dir));
  Tensor xb(DT_FLOAT, TensorShape({batch, 784}));
  Tensor yb(DT_INT32, TensorShape({batch}));
  std::copy_n(data.train.images.data<float>(), batch * 784, xb.data<float>());
  std::copy_n(data.train.labels.data<int32_t>(), batch, yb.data<int32_t>());

  Scope root = Scope::NewRootScope();
  Mlp mlp = BuildMlp(root, MlpConfig());
  TG_RETURN_IF_ERROR(root.status());
  ClientSession session(root);
  TG_RETURN_IF_ERROR(session.Run({}, {}, {mlp.init}, nullptr));
  std::vector<Tensor> before, out, after;
  TG_RETURN_IF_ERROR(session.Run(mlp.variables, &before));
  TG_RETURN_IF_ERROR(
      session.Run({{mlp.x, xb}, {mlp.y, yb}}, {mlp.loss}, {mlp.train}, &out));
  TG_RETURN_IF_ERROR(session.Run(mlp.variables, &after));
  for (size_t i = 0; i < before.size(); ++i) {
    TG_RETURN_IF_ERROR(
        WriteNpyFile(before[i], absl::StrCat(out_dir, "/w", i, ".npy")));
    TG_RETURN_IF_ERROR(
        WriteNpyFile(after[i], absl::StrCat(out_dir, "/w", i, "_after.npy")));
  }
  TG_RETURN_IF_ERROR(WriteNpyFile(xb, out_dir + "/x.npy"));
  TG_RETURN_IF_ERROR(WriteNpyFile(yb, out_dir + "/y.npy"));
  TG_RETURN_IF_ERROR(WriteNpyFile(out[0], out_dir + "/loss.npy"));
  std::printf("one step: loss %.8f; files in %s\n", out[0].scalar<float>(),
              out_dir.c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace mnist
}  // namespace tg

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  absl::Status s = tg::mnist::Dump();
  if (!s.ok()) {
    std::fprintf(stderr, "mlp_step_dump: %s\n",
                 std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
