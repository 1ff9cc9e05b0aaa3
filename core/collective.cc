#include "core/collective.h"

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {
namespace {

class LocalContext final : public CollectiveContext {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::string name() const override { return "local"; }
  absl::Status AllReduce(const CollectiveCall&, MergeOp, Tensor*) override {
    return absl::OkStatus();
  }
  absl::Status Broadcast(const CollectiveCall&, bool is_sender,
                         Tensor*) override {
    TG_REQUIRE(is_sender, FailedPrecondition,
               "a broadcast in a group of 1 must be sent, not received: no "
               "other process runs (launch with mpirun for more)");
    return absl::OkStatus();
  }
};

}  // namespace

std::shared_ptr<CollectiveContext> LocalCollectiveContext() {
  static const auto* const local =
      new std::shared_ptr<CollectiveContext>(std::make_shared<LocalContext>());
  return *local;
}

absl::StatusOr<std::shared_ptr<void>> CollectiveContext::DeviceState(
    const std::string& key, const MakeState& make) {
  absl::MutexLock lock(&mu_);
  auto it = device_state_.find(key);
  if (it != device_state_.end()) return it->second;
  TG_ASSIGN_OR_RETURN(std::shared_ptr<void> state, make());
  device_state_[key] = state;
  return state;
}

absl::StatusOr<MergeOp> ParseMergeOp(const std::string& name) {
  if (name == "Add") return MergeOp::kAdd;
  if (name == "Mul") return MergeOp::kMul;
  if (name == "Min") return MergeOp::kMin;
  if (name == "Max") return MergeOp::kMax;
  return absl::InvalidArgumentError(
      absl::StrCat("merge_op '", name, "' is none of Add, Mul, Min, Max"));
}

}  // namespace tg
