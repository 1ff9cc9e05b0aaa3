// Float convolutions through oneDNN (the library PyTorch uses for CPU
// convolutions), on NHWC activations and HWIO filters used as they are:
// no reorders. Built once per geometry, executed each step.
#ifndef TG_KERNELS_CPU_ONEDNN_CONV_H_
#define TG_KERNELS_CPU_ONEDNN_CONV_H_

#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/conv_geometry.h"

namespace tg {

enum class ConvPass { kForward, kBackwardData, kBackwardWeights };

class OneDnnConv {
 public:
  // A primitive for `pass` of the NHWC convolution `g` (not depthwise).
  static absl::StatusOr<std::unique_ptr<OneDnnConv>> Create(
      const WindowGeometry& g, ConvPass pass);
  ~OneDnnConv();
  OneDnnConv(const OneDnnConv&) = delete;
  OneDnnConv& operator=(const OneDnnConv&) = delete;

  // The arguments of each pass:
  //   kForward         (input, filter) -> output
  //   kBackwardData    (dy, filter)    -> dinput
  //   kBackwardWeights (input, dy)     -> dfilter
  // Thread-safe: each call makes its own memory objects and stream.
  absl::Status Execute(const float* a, const float* b, float* out) const;

 private:
  struct Impl;
  explicit OneDnnConv(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One node's primitives, by the shapes they were built for: a kernel
// builds a primitive the first time it sees a shape and reuses it after.
// Keeps the last few shapes (a node rarely sees more than two: the
// training batch and the evaluation batch). Thread-safe.
class OneDnnConvCache {
 public:
  explicit OneDnnConvCache(ConvPass pass) : pass_(pass) {}
  absl::StatusOr<const OneDnnConv*> Get(const WindowGeometry& g);

 private:
  static constexpr size_t kMaxEntries = 4;
  const ConvPass pass_;
  absl::Mutex mu_;
  std::deque<std::pair<std::vector<int64_t>, std::unique_ptr<OneDnnConv>>>
      entries_ ABSL_GUARDED_BY(mu_);
};

// Whether float convolutions run on oneDNN (the default) or on im2col +
// SGEMM: TG_CPU_CONV=im2col picks the latter, for comparison
// (benchmarks/README.md has the figures).
bool UseOneDnnConv();

}  // namespace tg

#endif  // TG_KERNELS_CPU_ONEDNN_CONV_H_
