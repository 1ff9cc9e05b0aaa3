"""nvcc for the GPU kernels: .cu files to objects a cc_library links."""

# sm_90 code for the H100/H200 class, plus compute_90 PTX so newer GPUs
# compile it at load time.
_NVCC_FLAGS = " ".join([
    "-std=c++17",
    "-O3",
    "--expt-relaxed-constexpr",
    "-gencode arch=compute_90,code=sm_90",
    "-gencode arch=compute_90,code=compute_90",
    "-Xcompiler -fPIC",
    "-Werror all-warnings",
    "-I.",
])

def cuda_library(name, srcs, hdrs = [], deps = [], **kwargs):
    """Compiles each .cu of srcs with nvcc; a cc_library of the objects.

    Args:
      name: the cc_library.
      srcs: .cu files.
      hdrs: every header the .cu files include (project headers only).
      deps: cc deps of the objects.
      **kwargs: passed to the cc_library.
    """
    objs = []
    for src in srcs:
        obj = src.replace(".cu", ".cu.pic.o")
        native.genrule(
            name = name + "_" + src.replace("/", "_").replace(".", "_"),
            srcs = [src] + hdrs,
            outs = [obj],
            cmd = ("$(cuda_path)/bin/nvcc " + _NVCC_FLAGS +
                   " -c $(location " + src + ") -o $@"),
            tags = ["manual"],
        )
        objs.append(obj)
    native.cc_library(
        name = name,
        srcs = objs,
        deps = deps + ["@cuda//:cudart_static"],
        tags = ["manual"],
        # Linked into each binary with the CUDA runtime: one copy of the
        # runtime's state, never one per shared library.
        linkstatic = True,
        alwayslink = True,
        **kwargs
    )
