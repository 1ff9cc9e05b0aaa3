// The keys of TensorFlow's V2 collective ops (group_size, group_key,
// instance_key: scalar int32 inputs), read and checked the same way by
// every device's kernels.
#ifndef TG_KERNELS_COMMON_COLLECTIVE_KEYS_H_
#define TG_KERNELS_COMMON_COLLECTIVE_KEYS_H_

#include "core/collective.h"
#include "core/kernel_checks.h"
#include "core/op_kernel.h"

namespace tg {

// Reads inputs first..first+2 into `call`. group_size must be the
// context's size: one group, of every process, is supported; group_key is
// accepted as given.
inline absl::Status ReadCollectiveKeys(const OpKernelContext& ctx, int first,
                                       const CollectiveContext& collective,
                                       CollectiveCall* call) {
  TG_ASSIGN_OR_RETURN(int64_t group_size,
                      ScalarToInt64(ctx.input(first), "group_size"));
  TG_REQUIRE(group_size == collective.size(), InvalidArgument, "group_size is ",
             group_size, " but ", collective.size(), " process(es) run (",
             collective.name(), "); one group of every process is supported");
  TG_RETURN_IF_ERROR(ScalarToInt64(ctx.input(first + 1), "group_key").status());
  TG_ASSIGN_OR_RETURN(call->instance_key,
                      ScalarToInt64(ctx.input(first + 2), "instance_key"));
  return absl::OkStatus();
}

}  // namespace tg

#endif  // TG_KERNELS_COMMON_COLLECTIVE_KEYS_H_
