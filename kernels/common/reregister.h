// Registering the CPU kernels of an op for another device: the tests' TEST
// device takes them all, the CUDA device those whose work is the same on
// any device (constants, identities, variables, shape queries) and the
// integer ones it runs on the host.
#ifndef TG_KERNELS_COMMON_REREGISTER_H_
#define TG_KERNELS_COMMON_REREGISTER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/op_kernel.h"

namespace tg {

struct ReregisterOptions {
  std::string device_type;
  // The dtypes a copied kernel may take in each type attr the CPU kernel
  // leaves unconstrained (one registration per combination), and the only
  // ones a constrained attr may hold. Strings are never taken.
  std::vector<DataType> dtypes;
  // Every arg in host memory (a kernel the device runs on the host), or
  // the accelerators' table (kernels/common/host_memory.h).
  bool all_args_on_host = false;
  // Wraps the CPU kernel; null: used as is.
  std::function<std::unique_ptr<OpKernel>(std::unique_ptr<OpKernel>)> wrap;
};

// Registers a copy of each CPU kernel of `op` for the device. Ops with a
// fixed string arg are skipped, and with all_args_on_host ops with a
// reference (variable) arg. Call it from a deferred registration
// (TG_REGISTER_DEFERRED_KERNELS), after the CPU kernels exist.
void ReregisterCpuKernels(const std::string& op,
                          const ReregisterOptions& options);

// A wrapper for `wrap`: after the CPU kernel runs, moves each output it
// left outside the memory the executor planned for it (a constant decoded
// at Init) into that memory, as a device's own kernel would place it.
std::unique_ptr<OpKernel> PlaceOutputsInDeviceMemory(
    std::unique_ptr<OpKernel> cpu);

}  // namespace tg

#endif  // TG_KERNELS_COMMON_REREGISTER_H_
