// Conv2D and its two backprops on the CPU, NHWC: im2col and one GEMM per
// chunk of images. The column matrix of a chunk holds, for each output
// pixel, its window's input cells in (kh, kw, c) order, which is the row
// order of the HWIO filter seen as a [kh * kw * c, out_c] matrix:
//   forward          out[rows, O] = cols[rows, K] filter[K, O]
//   backprop input   dcols = dy filter^T, scattered back into dx (col2im)
//   backprop filter  dfilter[K, O] += cols^T dy
// Chunks bound the column matrix's memory whatever the batch.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "kernels/common/window_kernels.h"
#include "kernels/cpu/blas.h"
#include "kernels/cpu/onednn_conv.h"
#include "kernels/cpu/window.h"

namespace tg {
namespace {

// At most this many elements in a chunk's column matrix (16 MiB of floats).
constexpr int64_t kMaxColumnElements = int64_t{1} << 22;

struct ConvChunks {
  int64_t rows_per_image;  // output pixels per image
  int64_t k;               // kh * kw * in_c
  int64_t images;          // images per chunk
  bool direct;             // 1x1, stride 1, no padding: cols = input
};

ConvChunks PlanChunks(const WindowGeometry& g) {
  ConvChunks c;
  c.rows_per_image = g.h.out * g.w.out;
  c.k = g.h.window * g.w.window * g.in_channels;
  c.direct = g.h.window == 1 && g.w.window == 1 && g.h.stride == 1 &&
             g.w.stride == 1 && g.h.pad_before == 0 && g.w.pad_before == 0 &&
             g.h.out == g.h.in && g.w.out == g.w.in;
  const int64_t per_image = std::max<int64_t>(1, c.rows_per_image * c.k);
  c.images = std::clamp<int64_t>(kMaxColumnElements / per_image, 1,
                                 std::max<int64_t>(g.batch, 1));
  return c;
}

// The column matrix of images [n0, n0 + count).
template <typename T>
void Im2Col(const WindowGeometry& g, const T* in, int64_t n0, int64_t count,
            T* cols, ThreadPool* pool) {
  const int64_t c = g.in_channels, k = g.h.window * g.w.window * c;
  const int64_t pixels = g.h.out * g.w.out;
  pool->ParallelFor(count * pixels, k, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t n = n0 + r / pixels, oh = r % pixels / g.w.out,
                    ow = r % g.w.out;
      T* row = cols + r * k;
      std::fill_n(row, k, T(0));
      ForEachWindowCell(
          g, oh, ow, [&](int64_t i, int64_t j, int64_t ih, int64_t iw) {
            std::memcpy(row + (i * g.w.window + j) * c,
                        in + PixelOffset(g, true, n, ih, iw, c), c * sizeof(T));
          });
    }
  });
}

// Adds the column matrix of images [n0, n0 + count) back into their input
// cells. Images are independent, so they run in parallel.
template <typename T>
void Col2ImAdd(const WindowGeometry& g, const T* cols, int64_t n0,
               int64_t count, T* out, ThreadPool* pool) {
  const int64_t c = g.in_channels, k = g.h.window * g.w.window * c;
  const int64_t pixels = g.h.out * g.w.out;
  pool->ParallelFor(count, pixels * k, [&](int64_t b, int64_t e) {
    for (int64_t img = b; img < e; ++img) {
      for (int64_t p = 0; p < pixels; ++p) {
        const T* row = cols + (img * pixels + p) * k;
        ForEachWindowCell(g, p / g.w.out, p % g.w.out,
                          [&](int64_t i, int64_t j, int64_t ih, int64_t iw) {
                            T* dst =
                                out + PixelOffset(g, true, n0 + img, ih, iw, c);
                            const T* src = row + (i * g.w.window + j) * c;
                            for (int64_t ch = 0; ch < c; ++ch)
                              dst[ch] += src[ch];
                          });
      }
    }
  });
}

// Whether this call runs on oneDNN: float, every dim non-zero (oneDNN
// refuses empty tensors), unless TG_CPU_CONV=im2col.
template <typename T>
bool OnOneDnn(const WindowGeometry& g) {
  return std::is_same_v<T, float> && UseOneDnnConv() &&
         g.input.num_elements() > 0 && g.output.num_elements() > 0 &&
         g.filter.num_elements() > 0;
}

// Runs `pass` of g on oneDNN (float only; the double instantiation never
// calls it).
template <typename T>
absl::Status RunOneDnn(OneDnnConvCache& cache, const WindowGeometry& g,
                       const T* a, const T* b, T* out) {
  if constexpr (std::is_same_v<T, float>) {
    TG_ASSIGN_OR_RETURN(const OneDnnConv* conv, cache.Get(g));
    return conv->Execute(a, b, out);
  } else {
    return absl::InternalError("oneDNN convolutions take float");
  }
}

template <typename T>
absl::StatusOr<Tensor> ColumnBuffer(OpKernelContext& ctx, const ConvChunks& c) {
  if (c.direct) return Tensor();
  return ctx.allocate_temp(DataTypeToEnum<T>::value,
                           TensorShape({c.images * c.rows_per_image, c.k}));
}

// Runs fn(n0, count, rows, cols) over chunks of c.images images, `cols`
// being the chunk's scratch column matrix (empty for a direct convolution).
template <typename T, typename Fn>
absl::Status ForEachChunk(OpKernelContext& ctx, const WindowGeometry& g,
                          const ConvChunks& c, Fn&& fn) {
  TG_RETURN_IF_ERROR(
      CheckBlasDims({c.images * c.rows_per_image, c.k, g.out_channels}));
  TG_ASSIGN_OR_RETURN(Tensor cols, ColumnBuffer<T>(ctx, c));
  for (int64_t n0 = 0; n0 < g.batch; n0 += c.images) {
    const int64_t count = std::min(c.images, g.batch - n0);
    TG_RETURN_IF_ERROR(fn(n0, count, count * c.rows_per_image, cols));
  }
  return absl::OkStatus();
}

// The column matrix of images [n0, n0 + count): the input itself for a
// direct (1x1) convolution, else its im2col in `cols`.
template <typename T>
const T* ChunkColumns(OpKernelContext& ctx, const WindowGeometry& g,
                      const ConvChunks& c, int64_t n0, int64_t count,
                      Tensor& cols) {
  const T* in = ctx.input(0).data<T>();
  if (c.direct) return in + n0 * c.rows_per_image * c.k;
  Im2Col(g, in, n0, count, cols.data<T>(), ctx.thread_pool());
  return cols.data<T>();
}

template <typename T>
class Conv2DCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g,
                        ConvForwardGeometry(ctx, attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * out,
                        ctx.allocate_output(0, ctx.input(0).dtype(), g.output));
    if (OnOneDnn<T>(g)) {
      return RunOneDnn<T>(cache_, g, ctx.input(0).data<T>(),
                          ctx.input(1).data<T>(), out->data<T>());
    }
    const ConvChunks c = PlanChunks(g);
    const int64_t o = g.out_channels;
    if (out->NumElements() == 0) return absl::OkStatus();
    if (c.k == 0) {
      std::fill_n(out->data<T>(), out->NumElements(), T(0));
      return absl::OkStatus();
    }
    return ForEachChunk<T>(
        ctx, g, c, [&](int64_t n0, int64_t count, int64_t rows, Tensor& cols) {
          const T* a = ChunkColumns<T>(ctx, g, c, n0, count, cols);
          return Gemm<T>(false, false, rows, o, c.k, a, c.k,
                         ctx.input(1).data<T>(), o, T(0),
                         out->data<T>() + n0 * c.rows_per_image * o, o);
        });
  }

 private:
  OneDnnConvCache cache_{ConvPass::kForward};
};

template <typename T>
class Conv2DBackpropInputCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g, ConvBackpropInputGeometry(
                                              ctx, attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * dx,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.input));
    T* out = dx->data<T>();
    if (OnOneDnn<T>(g)) {
      return RunOneDnn<T>(cache_, g, ctx.input(2).data<T>(),
                          ctx.input(1).data<T>(), out);
    }
    std::fill_n(out, dx->NumElements(), T(0));
    const ConvChunks c = PlanChunks(g);
    const int64_t o = g.out_channels;
    if (dx->NumElements() == 0 || c.rows_per_image == 0 || o == 0) {
      return absl::OkStatus();
    }
    const T* dy = ctx.input(2).data<T>();
    return ForEachChunk<T>(
        ctx, g, c, [&](int64_t n0, int64_t count, int64_t rows, Tensor& cols) {
          T* dcols =
              c.direct ? out + n0 * c.rows_per_image * c.k : cols.data<T>();
          TG_RETURN_IF_ERROR(
              Gemm<T>(false, true, rows, c.k, o, dy + n0 * c.rows_per_image * o,
                      o, ctx.input(1).data<T>(), o, T(0), dcols, c.k));
          if (!c.direct) Col2ImAdd(g, dcols, n0, count, out, ctx.thread_pool());
          return absl::OkStatus();
        });
  }

 private:
  OneDnnConvCache cache_{ConvPass::kBackwardData};
};

template <typename T>
class Conv2DBackpropFilterCpu : public NhwcConvKernelBase {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(WindowGeometry g, ConvBackpropFilterGeometry(
                                              ctx, attrs_, ConvKind::kConv2D));
    TG_ASSIGN_OR_RETURN(Tensor * df,
                        ctx.allocate_output(0, ctx.input(2).dtype(), g.filter));
    T* out = df->data<T>();
    if (OnOneDnn<T>(g)) {
      return RunOneDnn<T>(cache_, g, ctx.input(0).data<T>(),
                          ctx.input(2).data<T>(), out);
    }
    std::fill_n(out, df->NumElements(), T(0));
    const ConvChunks c = PlanChunks(g);
    const int64_t o = g.out_channels;
    if (df->NumElements() == 0 || c.rows_per_image == 0 || g.batch == 0) {
      return absl::OkStatus();
    }
    const T* dy = ctx.input(2).data<T>();
    return ForEachChunk<T>(
        ctx, g, c, [&](int64_t n0, int64_t count, int64_t rows, Tensor& cols) {
          const T* a = ChunkColumns<T>(ctx, g, c, n0, count, cols);
          return Gemm<T>(true, false, c.k, o, rows, a, c.k,
                         dy + n0 * c.rows_per_image * o, o, T(1), out, o);
        });
  }

 private:
  OneDnnConvCache cache_{ConvPass::kBackwardWeights};
};

#define TG_CPU_CONV(T)                                                         \
  TG_REGISTER_KERNEL(CpuKernel("Conv2D").TypeConstraint<T>("T"),               \
                     Conv2DCpu<T>);                                            \
  TG_REGISTER_KERNEL(CpuKernel("Conv2DBackpropInput").TypeConstraint<T>("T"),  \
                     Conv2DBackpropInputCpu<T>);                               \
  TG_REGISTER_KERNEL(CpuKernel("Conv2DBackpropFilter").TypeConstraint<T>("T"), \
                     Conv2DBackpropFilterCpu<T>)
TG_CPU_CONV(float);
TG_CPU_CONV(double);
#undef TG_CPU_CONV

}  // namespace
}  // namespace tg
