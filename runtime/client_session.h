// ClientSession: a Session over the graph of a Scope, in the shape of
// TensorFlow's C++ client API (feeds and fetches are Outputs).
//
//   Scope root = Scope::NewRootScope();
//   auto x = ops::Placeholder(root, DT_FLOAT);
//   auto y = ops::Square(root, x);
//   ClientSession session(root);
//   std::vector<Tensor> out;
//   TG_RETURN_IF_ERROR(session.Run({{x, Tensor::Scalar(3.0f)}}, {y}, &out));
#ifndef TG_RUNTIME_CLIENT_SESSION_H_
#define TG_RUNTIME_CLIENT_SESSION_H_

#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "graph/scope.h"
#include "runtime/session.h"

namespace tg {

class ClientSession {
 public:
  using FeedType = absl::flat_hash_map<Output, Tensor>;

  // A scope with an error makes every Run return that error.
  explicit ClientSession(const Scope& scope,
                         const SessionOptions& options = {});

  absl::Status Run(const std::vector<Output>& fetches,
                   std::vector<Tensor>* outputs) const;
  absl::Status Run(const FeedType& feeds, const std::vector<Output>& fetches,
                   std::vector<Tensor>* outputs) const;
  absl::Status Run(const FeedType& feeds, const std::vector<Output>& fetches,
                   const std::vector<Operation>& targets,
                   std::vector<Tensor>* outputs) const;

  // A callable for a signature run many times (Session::MakeCallable):
  // RunCallable takes the feed values in `feeds`' order, with no per-call
  // name work.
  absl::StatusOr<CallableHandle> MakeCallable(
      const std::vector<Output>& feeds, const std::vector<Output>& fetches,
      const std::vector<Operation>& targets) const;
  absl::Status RunCallable(CallableHandle handle,
                           absl::Span<const Tensor> feeds,
                           std::vector<Tensor>* fetches) const;

  Session* session() const { return session_.get(); }

 private:
  absl::Status Check() const;

  Scope scope_;
  absl::Status status_;
  std::unique_ptr<Session> session_;
};

}  // namespace tg

#endif  // TG_RUNTIME_CLIENT_SESSION_H_
