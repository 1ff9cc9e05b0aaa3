// Opening a CUDA library (cuBLAS, cuDNN, NCCL) at run time and resolving
// its functions, so the CUDA build links none of them and uses the ones of
// the machine it runs on.
#ifndef TG_KERNELS_GPU_LIBRARY_LOADER_H_
#define TG_KERNELS_GPU_LIBRARY_LOADER_H_

#include <dlfcn.h>

#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace tg {
namespace gpu {

// The first of `names` (sonames, newest first) that loads; on failure null,
// with *status a FailedPrecondition naming `what`, the first name, dlerror's
// reason and `hint` (where to point LD_LIBRARY_PATH).
inline void* OpenLibrary(const char* what,
                         std::initializer_list<const char*> names,
                         const char* hint, absl::Status* status) {
  for (const char* name : names) {
    if (void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) return lib;
  }
  *status = absl::FailedPreconditionError(
      absl::StrCat("cannot load ", what, " (", *names.begin(), "): ", dlerror(),
                   "; ", hint));
  return nullptr;
}

// *fn = the function `name` of `lib`; the first one missing sets *status.
template <typename F>
void Resolve(void* lib, const char* what, const char* name, F* fn,
             absl::Status* status) {
  *fn = reinterpret_cast<F>(dlsym(lib, name));
  if (*fn == nullptr && status->ok()) {
    *status = absl::FailedPreconditionError(
        absl::StrCat(what, " has no symbol ", name));
  }
}

}  // namespace gpu
}  // namespace tg

#endif  // TG_KERNELS_GPU_LIBRARY_LOADER_H_
