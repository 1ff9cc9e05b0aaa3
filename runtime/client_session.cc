#include "runtime/client_session.h"

namespace tg {

ClientSession::ClientSession(const Scope& scope, const SessionOptions& options)
    : scope_(scope) {
  if (!scope.ok()) {
    status_ = scope.status();
    return;
  }
  absl::StatusOr<std::unique_ptr<Session>> s =
      Session::Create(scope.graph_as_shared_ptr(), options);
  if (s.ok()) {
    session_ = *std::move(s);
  } else {
    status_ = s.status();
  }
}

absl::Status ClientSession::Run(const std::vector<Output>& fetches,
                                std::vector<Tensor>* outputs) const {
  return Run(FeedType(), fetches, {}, outputs);
}

absl::Status ClientSession::Run(const FeedType& feeds,
                                const std::vector<Output>& fetches,
                                std::vector<Tensor>* outputs) const {
  return Run(feeds, fetches, {}, outputs);
}

absl::Status ClientSession::Run(const FeedType& feeds,
                                const std::vector<Output>& fetches,
                                const std::vector<Operation>& targets,
                                std::vector<Tensor>* outputs) const {
  if (!status_.ok()) return status_;
  // Ops added after construction (and any error they hit) count too.
  if (!scope_.ok()) return scope_.status();
  std::vector<std::pair<std::string, Tensor>> feed_list;
  feed_list.reserve(feeds.size());
  for (const auto& [output, tensor] : feeds) {
    if (!output.valid()) {
      return absl::InvalidArgumentError("ClientSession::Run: null feed");
    }
    feed_list.emplace_back(output.name(), tensor);
  }
  std::vector<std::string> fetch_names, target_names;
  for (const Output& o : fetches) {
    if (!o.valid()) {
      return absl::InvalidArgumentError("ClientSession::Run: null fetch");
    }
    fetch_names.push_back(o.name());
  }
  for (const Operation& op : targets) {
    if (!op.valid()) {
      return absl::InvalidArgumentError("ClientSession::Run: null target");
    }
    target_names.push_back(op.name());
  }
  return session_->Run(feed_list, fetch_names, target_names, outputs);
}

}  // namespace tg
