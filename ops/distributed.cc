#include "ops/distributed.h"

#include "absl/strings/str_cat.h"
#include "ops/array_ops.h"
#include "ops/collective_ops.h"
#include "ops/resource_variable_ops.h"
#include "ops/slicing_ops.h"
#include "ops/state_ops.h"
#include "ops/variables.h"

namespace tg {
namespace train {
namespace {

absl::Status CheckOptions(const DistributedOptions& o) {
  TG_REQUIRE(o.size >= 1 && o.rank >= 0 && o.rank < o.size, InvalidArgument,
             "distributed training: rank ", o.rank, " is not in [0, ", o.size,
             ")");
  TG_REQUIRE(o.root_rank >= 0 && o.root_rank < o.size, InvalidArgument,
             "distributed training: root rank ", o.root_rank, " is not in [0, ",
             o.size, ")");
  TG_REQUIRE(o.fusion_bytes >= 0, InvalidArgument,
             "distributed training: fusion_bytes must be >= 0, got ",
             o.fusion_bytes);
  return absl::OkStatus();
}

// A scope whose ops run after `previous` (when valid): the collectives of a
// step are chained, so every rank issues them in the same order.
Scope After(const Scope& s, const Operation& previous) {
  return previous.valid() ? s.WithControlDependencies({previous}) : s;
}

// The gradient's element count when its variable's shape is fully known;
// -1 otherwise.
int64_t KnownElements(const Output& var) {
  const PartialShape shape = ops::GetVariableInfo(var).shape;
  if (!shape.IsFullyDefined()) return -1;
  int64_t n = 1;
  for (int64_t d : shape.dims) n *= d;
  return n;
}

Tensor Int64s(std::vector<int64_t> values) {
  return Tensor::FromVector<int64_t>(values);
}

// Buckets of consecutive gradients of one dtype and known sizes, each at
// most `fusion_bytes` (a gradient that does not fit goes alone), as indices
// into `grads`.
std::vector<std::vector<size_t>> Buckets(
    const std::vector<Output>& grads,
    const std::vector<std::pair<Output, Output>>& grads_and_vars,
    int64_t fusion_bytes) {
  std::vector<std::vector<size_t>> buckets;
  int64_t bucket_bytes = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    const int64_t n = KnownElements(grads_and_vars[i].second);
    const DataType dtype = BaseType(grads[i].type());
    const int64_t bytes = n < 0 ? -1 : n * int64_t(DataTypeSize(dtype));
    const bool joins = !buckets.empty() && bytes >= 0 && bucket_bytes >= 0 &&
                       BaseType(grads[buckets.back()[0]].type()) == dtype &&
                       bucket_bytes + bytes <= fusion_bytes;
    if (joins) {
      buckets.back().push_back(i);
      bucket_bytes += bytes;
    } else {
      buckets.push_back({i});
      bucket_bytes = bytes;
    }
  }
  return buckets;
}

}  // namespace

DistributedOptimizer::DistributedOptimizer(std::unique_ptr<Optimizer> optimizer,
                                           const DistributedOptions& options)
    : Optimizer(optimizer->name()),
      optimizer_(std::move(optimizer)),
      options_(options) {}

absl::StatusOr<std::vector<Output>> DistributedOptimizer::AllReduceGradients(
    const Scope& scope,
    const std::vector<std::pair<Output, Output>>& grads_and_vars) {
  TG_RETURN_IF_ERROR(CheckOptions(options_));
  std::vector<Output> out;
  for (const auto& [grad, var] : grads_and_vars) {
    TG_REQUIRE(grad.valid() && var.valid(), InvalidArgument, name(),
               ": null gradient or variable");
    out.push_back(grad);
  }
  bytes_per_step_ = 0;
  calls_per_step_ = 0;
  if (options_.size == 1) return out;
  const std::vector<std::vector<size_t>> buckets =
      Buckets(out, grads_and_vars, options_.fusion_bytes);
  const Scope s = scope.NewSubScope(absl::StrCat(name(), "_allreduce"));
  Operation previous;
  int key = options_.instance_key_base;
  for (const std::vector<size_t>& bucket : buckets) {
    const ops::CollectiveKeys keys{options_.size, options_.group_key, key++,
                                   options_.timeout_seconds};
    const Scope rs = After(s, previous);
    if (bucket.size() == 1) {
      const size_t i = bucket[0];
      out[i] = ops::CollectiveReduce(rs, out[i], keys, "Add", "Div");
      previous = out[i].op();
      bytes_per_step_ +=
          std::max<int64_t>(KnownElements(grads_and_vars[i].second) *
                                int64_t(DataTypeSize(BaseType(out[i].type()))),
                            0);
      ++calls_per_step_;
      continue;
    }
    std::vector<Output> flat;
    for (size_t i : bucket) flat.push_back(ops::Reshape(s, out[i], {-1}));
    const Output fused = ops::CollectiveReduce(rs, ops::ConcatV2(s, flat, 0),
                                               keys, "Add", "Div");
    previous = fused.op();
    int64_t offset = 0;
    for (size_t i : bucket) {
      const int64_t n = KnownElements(grads_and_vars[i].second);
      const PartialShape shape =
          ops::GetVariableInfo(grads_and_vars[i].second).shape;
      out[i] = ops::Reshape(
          s, ops::Slice(s, fused, Int64s({offset}), Int64s({n})),
          Int64s(std::vector<int64_t>(shape.dims.begin(), shape.dims.end())));
      offset += n;
    }
    bytes_per_step_ += offset * int64_t(DataTypeSize(BaseType(fused.type())));
    ++calls_per_step_;
  }
  if (!scope.ok()) return scope.status();
  return out;
}

absl::StatusOr<Operation> DistributedOptimizer::ApplyGradients(
    const Scope& scope,
    const std::vector<std::pair<Output, Output>>& grads_and_vars,
    const Output& global_step) {
  if (!scope.ok()) return scope.status();
  TG_ASSIGN_OR_RETURN(std::vector<Output> averaged,
                      AllReduceGradients(scope, grads_and_vars));
  std::vector<std::pair<Output, Output>> pairs;
  for (size_t i = 0; i < averaged.size(); ++i) {
    pairs.emplace_back(averaged[i], grads_and_vars[i].second);
  }
  return optimizer_->ApplyGradients(scope, pairs, global_step);
}

Output DistributedOptimizer::ApplyDense(const Scope& root, const Scope& s,
                                        const Output& grad, const Output& var) {
  root.UpdateStatus(absl::InternalError(
      "DistributedOptimizer::ApplyDense: updates are the wrapped "
      "optimizer's"));
  return Output();
}

absl::StatusOr<Operation> BroadcastVariables(
    const Scope& scope, std::vector<Output> variables,
    const DistributedOptions& options) {
  if (!scope.ok()) return scope.status();
  TG_RETURN_IF_ERROR(CheckOptions(options));
  if (variables.empty()) variables = ops::GlobalVariables(scope);
  const Scope named = scope.WithOpName("broadcast_variables");
  if (options.size == 1) return ops::NoOp(named);
  const Scope s = scope.NewSubScope("broadcast_variables");
  const bool sender = options.rank == options.root_rank;
  std::vector<Operation> done;
  Operation previous;
  int key = options.instance_key_base + kBroadcastKeyOffset;
  for (const Output& v : variables) {
    const ops::VariableInfo info = ops::GetVariableInfo(v);
    TG_REQUIRE(info.node != nullptr, InvalidArgument, "BroadcastVariables: '",
               v.name(), "' is not a variable");
    TG_REQUIRE(info.shape.IsFullyDefined(), InvalidArgument,
               "BroadcastVariables: variable '", info.node->name(),
               "' has shape ", info.shape.DebugString(),
               "; a broadcast needs the full shape");
    const ops::CollectiveKeys keys{options.size, options.group_key, key++,
                                   options.timeout_seconds};
    const Scope vs = After(s, previous);
    if (sender) {
      const Output value =
          info.resource ? ops::ReadVariableOp(vs, info.handle, info.dtype)
                        : Output(info.node, 0);
      previous = ops::CollectiveBcastSend(vs, value, keys).op();
      done.push_back(previous);
      continue;
    }
    const Output received = ops::CollectiveBcastRecv(
        vs, info.dtype,
        Int64s(std::vector<int64_t>(info.shape.dims.begin(),
                                    info.shape.dims.end())),
        keys);
    previous = received.op();
    done.push_back(info.resource
                       ? ops::AssignVariableOp(s, info.handle, received)
                       : ops::Assign(s, Output(info.node, 0), received).op());
  }
  Operation op = ops::NoOp(named.WithControlDependencies(done));
  if (!scope.ok()) return scope.status();
  return op;
}

}  // namespace train
}  // namespace tg
