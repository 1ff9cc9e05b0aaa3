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

namespace {

// Tensor names of `outputs`; `what` names the list in the error.
absl::StatusOr<std::vector<std::string>> OutputNames(
    const std::vector<Output>& outputs, absl::string_view what) {
  std::vector<std::string> names;
  names.reserve(outputs.size());
  for (const Output& o : outputs) {
    TG_REQUIRE(o.valid(), InvalidArgument, "ClientSession: null ", what);
    names.push_back(o.name());
  }
  return names;
}

absl::StatusOr<std::vector<std::string>> TargetNames(
    const std::vector<Operation>& targets) {
  std::vector<std::string> names;
  names.reserve(targets.size());
  for (const Operation& op : targets) {
    TG_REQUIRE(op.valid(), InvalidArgument, "ClientSession: null target");
    names.push_back(op.name());
  }
  return names;
}

}  // namespace

absl::Status ClientSession::Check() const {
  if (!status_.ok()) return status_;
  // Ops added after construction (and any error they hit) count too.
  return scope_.status();
}

absl::Status ClientSession::Run(const FeedType& feeds,
                                const std::vector<Output>& fetches,
                                const std::vector<Operation>& targets,
                                std::vector<Tensor>* outputs) const {
  TG_RETURN_IF_ERROR(Check());
  std::vector<std::pair<std::string, Tensor>> feed_list;
  feed_list.reserve(feeds.size());
  for (const auto& [output, tensor] : feeds) {
    TG_REQUIRE(output.valid(), InvalidArgument, "ClientSession: null feed");
    feed_list.emplace_back(output.name(), tensor);
  }
  TG_ASSIGN_OR_RETURN(std::vector<std::string> fetch_names,
                      OutputNames(fetches, "fetch"));
  TG_ASSIGN_OR_RETURN(std::vector<std::string> target_names,
                      TargetNames(targets));
  return session_->Run(feed_list, fetch_names, target_names, outputs);
}

absl::StatusOr<CallableHandle> ClientSession::MakeCallable(
    const std::vector<Output>& feeds, const std::vector<Output>& fetches,
    const std::vector<Operation>& targets) const {
  TG_RETURN_IF_ERROR(Check());
  CallableOptions options;
  TG_ASSIGN_OR_RETURN(options.feed, OutputNames(feeds, "feed"));
  TG_ASSIGN_OR_RETURN(options.fetch, OutputNames(fetches, "fetch"));
  TG_ASSIGN_OR_RETURN(options.target, TargetNames(targets));
  return session_->MakeCallable(options);
}

absl::Status ClientSession::RunCallable(CallableHandle handle,
                                        absl::Span<const Tensor> feeds,
                                        std::vector<Tensor>* fetches) const {
  TG_RETURN_IF_ERROR(Check());
  return session_->RunCallable(handle, feeds, fetches);
}

}  // namespace tg
