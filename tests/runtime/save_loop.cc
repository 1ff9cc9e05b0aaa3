// Helper of saver_test: saves checkpoints `DIR/model-<i>` for i = 1, 2, ...
// of a 4-million-element variable filled with i, forever, so the test can
// kill it in the middle of a save.
#include <cstdio>

#include "ops/standard_ops.h"
#include "runtime/client_session.h"
#include "runtime/saver.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: save_loop DIR\n");
    return 2;
  }
  using namespace tg;  // NOLINT(build/namespaces): a tiny helper binary.
  Scope root = Scope::NewRootScope();
  auto value = ops::Placeholder(root.WithOpName("value"), DT_FLOAT);
  auto var = ops::Variable(root.WithOpName("big"),
                           PartialShape::Of({2048, 2048}), DT_FLOAT);
  auto assign = ops::Assign(root.WithOpName("assign"), var,
                            ops::Fill(root, {2048, 2048}, value));
  ClientSession session(root);
  if (!root.status().ok()) return 1;
  Saver saver(SaverOptions{.max_to_keep = 2});
  for (int i = 1;; ++i) {
    std::vector<Tensor> out;
    absl::Status s = session.Run({{value, Tensor::Scalar<float>(i)}}, {},
                                 {assign.op()}, &out);
    if (s.ok())
      s = saver.Save(session.session(), argv[1] + std::string("/model"), i)
              .status();
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::printf("%d\n", i);
    std::fflush(stdout);
  }
}
