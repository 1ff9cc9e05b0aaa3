// Which args of each op live in host memory on an accelerator (TensorFlow's
// HostMemory): the shapes, axes, sizes and permutations a kernel reads on
// the host to plan its work, and the outputs it computes there (Shape,
// Size, Rank). One table, shared by every device whose memory is not the
// host's (the CUDA device, the tests' device), so they agree on where each
// value lives and the executor copies exactly what must move.
#ifndef TG_KERNELS_COMMON_HOST_MEMORY_H_
#define TG_KERNELS_COMMON_HOST_MEMORY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tg {

// The host-memory args of `op` (arg names of its OpDef); empty when none.
const std::vector<std::string>& DeviceHostMemoryArgs(absl::string_view op);

// Every op the table names, for the test that checks each name is an arg.
std::vector<std::string> OpsWithHostMemoryArgs();

}  // namespace tg

#endif  // TG_KERNELS_COMMON_HOST_MEMORY_H_
