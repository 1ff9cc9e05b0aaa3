// The processes a collective op (CollectiveReduceV2, CollectiveBcast*V2)
// runs across, and the transport that moves its tensors. A session owns one
// (SessionOptions::collective) and its collective kernels use it; a process
// running alone gets the context of size 1 (LocalCollectiveContext), so the
// same graph runs with and without a launcher.
//
// Contract of every implementation: each rank calls the same collectives in
// the same order with the same description (CollectiveCall: instance key,
// dtype, element count); a mismatch is detected and named on every rank
// (FailedPrecondition), and a rank that does not join within the call's
// timeout makes the others fail with DeadlineExceeded, never hang.
#ifndef TG_CORE_COLLECTIVE_H_
#define TG_CORE_COLLECTIVE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "core/tensor.h"

namespace tg {

enum class MergeOp { kAdd, kMul, kMin, kMax };

// What one call of a collective is, as every rank must agree on it.
struct CollectiveCall {
  int64_t instance_key = 0;
  // Seconds to wait for the other ranks; 0: the context's default.
  double timeout_seconds = 0;
};

class CollectiveContext {
 public:
  virtual ~CollectiveContext() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // "local", "mpi", ...
  virtual std::string name() const = 0;
  // Seconds a call whose CollectiveCall says 0 waits for the other ranks.
  virtual double default_timeout_seconds() const { return 300; }

  // `t` (a host tensor, same dtype and shape on every rank) becomes the
  // elementwise merge of every rank's `t`.
  virtual absl::Status AllReduce(const CollectiveCall& call, MergeOp op,
                                 Tensor* t) = 0;
  // The sending rank's `t` is copied into every other rank's `t` (each
  // receiver's allocated with the sender's dtype and shape). Exactly one
  // rank sends.
  virtual absl::Status Broadcast(const CollectiveCall& call, bool is_sender,
                                 Tensor* t) = 0;

  // What a device's collective kernels keep with this context (a GPU's
  // NCCL communicator, set up once through this context's own broadcast):
  // made by `make` on the first call with `key` (by every rank in the same
  // order, as any collective), then the same object until the context
  // goes. A failed `make` is returned and retried on the next call.
  using MakeState = std::function<absl::StatusOr<std::shared_ptr<void>>()>;
  absl::StatusOr<std::shared_ptr<void>> DeviceState(const std::string& key,
                                                    const MakeState& make);

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<void>> device_state_
      ABSL_GUARDED_BY(mu_);
};

// Size 1: an all-reduce leaves `t` as it is; a broadcast needs its one rank
// to be the sender.
std::shared_ptr<CollectiveContext> LocalCollectiveContext();

// The merge op named by a CollectiveReduceV2 attr ("Add", "Mul", "Min",
// "Max").
absl::StatusOr<MergeOp> ParseMergeOp(const std::string& name);

}  // namespace tg

#endif  // TG_CORE_COLLECTIVE_H_
