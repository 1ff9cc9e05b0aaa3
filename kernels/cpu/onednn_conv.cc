#include "kernels/cpu/onednn_conv.h"

#include <oneapi/dnnl/dnnl.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/status.h"

namespace tg {
namespace {

absl::Status Check(dnnl_status_t s, const char* what) {
  TG_REQUIRE(s == dnnl_success, Internal, "oneDNN ", what, " failed (status ",
             static_cast<int>(s), ")");
  return absl::OkStatus();
}

// The one CPU engine every primitive runs on.
absl::StatusOr<dnnl_engine_t> Engine() {
  static dnnl_engine_t engine = nullptr;
  static dnnl_status_t status = dnnl_engine_create(&engine, dnnl_cpu, 0);
  TG_RETURN_IF_ERROR(Check(status, "engine creation"));
  return engine;
}

absl::StatusOr<dnnl_memory_desc_t> Desc(const dnnl_dims_t dims,
                                        dnnl_format_tag_t tag) {
  dnnl_memory_desc_t md;
  TG_RETURN_IF_ERROR(
      Check(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, tag),
            "memory descriptor"));
  return md;
}

}  // namespace

struct OneDnnConv::Impl {
  ConvPass pass;
  dnnl_engine_t engine = nullptr;
  dnnl_memory_desc_t src, weights, dst;
  dnnl_primitive_desc_t forward_pd = nullptr, pd = nullptr;
  dnnl_primitive_t primitive = nullptr;

  ~Impl() {
    if (primitive != nullptr) dnnl_primitive_destroy(primitive);
    if (pd != nullptr && pd != forward_pd) dnnl_primitive_desc_destroy(pd);
    if (forward_pd != nullptr) dnnl_primitive_desc_destroy(forward_pd);
  }
};

OneDnnConv::OneDnnConv(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OneDnnConv::~OneDnnConv() = default;

absl::StatusOr<std::unique_ptr<OneDnnConv>> OneDnnConv::Create(
    const WindowGeometry& g, ConvPass pass) {
  auto impl = std::make_unique<Impl>();
  impl->pass = pass;
  TG_ASSIGN_OR_RETURN(impl->engine, Engine());
  // oneDNN's dims are logical NCHW / OIHW whatever the layout in memory.
  const dnnl_dims_t src_dims = {g.batch, g.in_channels, g.h.in, g.w.in};
  const dnnl_dims_t w_dims = {g.out_channels, g.in_channels, g.h.window,
                              g.w.window};
  const dnnl_dims_t dst_dims = {g.batch, g.out_channels, g.h.out, g.w.out};
  TG_ASSIGN_OR_RETURN(impl->src, Desc(src_dims, dnnl_nhwc));
  TG_ASSIGN_OR_RETURN(impl->weights, Desc(w_dims, dnnl_hwio));
  TG_ASSIGN_OR_RETURN(impl->dst, Desc(dst_dims, dnnl_nhwc));
  const dnnl_dims_t strides = {g.h.stride, g.w.stride};
  // oneDNN counts dilation from 0 (no gaps).
  const dnnl_dims_t dilates = {g.h.dilation - 1, g.w.dilation - 1};
  const dnnl_dims_t pad_l = {g.h.pad_before, g.w.pad_before};
  // The bottom/right padding oneDNN wants makes the output size come out
  // exactly: (out - 1) * stride + k_eff - in - pad_before.
  const dnnl_dims_t pad_r = {
      (g.h.out - 1) * g.h.stride + (g.h.window - 1) * g.h.dilation + 1 -
          g.h.in - g.h.pad_before,
      (g.w.out - 1) * g.w.stride + (g.w.window - 1) * g.w.dilation + 1 -
          g.w.in - g.w.pad_before};
  dnnl_convolution_desc_t fwd;
  TG_RETURN_IF_ERROR(Check(
      dnnl_dilated_convolution_forward_desc_init(
          &fwd, dnnl_forward_training, dnnl_convolution_direct, &impl->src,
          &impl->weights, nullptr, &impl->dst, strides, dilates, pad_l, pad_r),
      "convolution descriptor"));
  TG_RETURN_IF_ERROR(
      Check(dnnl_primitive_desc_create(&impl->forward_pd, &fwd, nullptr,
                                       impl->engine, nullptr),
            "forward convolution"));
  impl->pd = impl->forward_pd;
  if (pass != ConvPass::kForward) {
    dnnl_convolution_desc_t bwd;
    if (pass == ConvPass::kBackwardData) {
      TG_RETURN_IF_ERROR(
          Check(dnnl_dilated_convolution_backward_data_desc_init(
                    &bwd, dnnl_convolution_direct, &impl->src, &impl->weights,
                    &impl->dst, strides, dilates, pad_l, pad_r),
                "backward-data descriptor"));
    } else {
      TG_RETURN_IF_ERROR(
          Check(dnnl_dilated_convolution_backward_weights_desc_init(
                    &bwd, dnnl_convolution_direct, &impl->src, &impl->weights,
                    nullptr, &impl->dst, strides, dilates, pad_l, pad_r),
                "backward-weights descriptor"));
    }
    TG_RETURN_IF_ERROR(
        Check(dnnl_primitive_desc_create(&impl->pd, &bwd, nullptr, impl->engine,
                                         impl->forward_pd),
              "backward convolution"));
  }
  TG_RETURN_IF_ERROR(Check(dnnl_primitive_create(&impl->primitive, impl->pd),
                           "primitive creation"));
  return std::unique_ptr<OneDnnConv>(new OneDnnConv(std::move(impl)));
}

absl::Status OneDnnConv::Execute(const float* a, const float* b,
                                 float* out) const {
  const Impl& p = *impl_;
  // (arg, descriptor, pointer) of the three tensors of this pass.
  struct Arg {
    int arg;
    const dnnl_memory_desc_t* md;
    void* ptr;
  };
  Arg args[3];
  auto in = [](const float* x) { return const_cast<float*>(x); };
  switch (p.pass) {
    case ConvPass::kForward:
      args[0] = {DNNL_ARG_SRC, &p.src, in(a)};
      args[1] = {DNNL_ARG_WEIGHTS, &p.weights, in(b)};
      args[2] = {DNNL_ARG_DST, &p.dst, out};
      break;
    case ConvPass::kBackwardData:
      args[0] = {DNNL_ARG_DIFF_DST, &p.dst, in(a)};
      args[1] = {DNNL_ARG_WEIGHTS, &p.weights, in(b)};
      args[2] = {DNNL_ARG_DIFF_SRC, &p.src, out};
      break;
    case ConvPass::kBackwardWeights:
      args[0] = {DNNL_ARG_SRC, &p.src, in(a)};
      args[1] = {DNNL_ARG_DIFF_DST, &p.dst, in(b)};
      args[2] = {DNNL_ARG_DIFF_WEIGHTS, &p.weights, out};
      break;
  }
  dnnl_memory_t mem[3] = {nullptr, nullptr, nullptr};
  dnnl_exec_arg_t exec[3];
  dnnl_stream_t stream = nullptr;
  absl::Status status =
      Check(dnnl_stream_create(&stream, p.engine, dnnl_stream_default_flags),
            "stream creation");
  for (int i = 0; i < 3 && status.ok(); ++i) {
    status =
        Check(dnnl_memory_create(&mem[i], args[i].md, p.engine, args[i].ptr),
              "memory creation");
    exec[i] = {args[i].arg, mem[i]};
  }
  if (status.ok()) {
    status = Check(dnnl_primitive_execute(p.primitive, stream, 3, exec),
                   "convolution");
  }
  if (status.ok()) status = Check(dnnl_stream_wait(stream), "stream wait");
  for (dnnl_memory_t m : mem) {
    if (m != nullptr) dnnl_memory_destroy(m);
  }
  if (stream != nullptr) dnnl_stream_destroy(stream);
  return status;
}

absl::StatusOr<const OneDnnConv*> OneDnnConvCache::Get(
    const WindowGeometry& g) {
  std::vector<int64_t> key(g.input.dims().begin(), g.input.dims().end());
  key.insert(key.end(), g.filter.dims().begin(), g.filter.dims().end());
  absl::MutexLock lock(&mu_);
  for (const auto& [k, conv] : entries_) {
    if (k == key) return conv.get();
  }
  TG_ASSIGN_OR_RETURN(std::unique_ptr<OneDnnConv> conv,
                      OneDnnConv::Create(g, pass_));
  if (entries_.size() == kMaxEntries) entries_.pop_front();
  entries_.emplace_back(std::move(key), std::move(conv));
  return entries_.back().second.get();
}

bool UseOneDnnConv() {
  static const bool use = [] {
    const char* v = std::getenv("TG_CPU_CONV");
    return v == nullptr || std::string(v) != "im2col";
  }();
  return use;
}

}  // namespace tg
