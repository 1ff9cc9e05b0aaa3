// Walking the windows of an NHWC convolution or pooling on the CPU.
#ifndef TG_KERNELS_CPU_WINDOW_H_
#define TG_KERNELS_CPU_WINDOW_H_

#include <cstdint>

#include "core/conv_geometry.h"

namespace tg {

// Calls fn(i, j, ih, iw) for each cell (i, j) of output pixel (oh, ow)'s
// window that lies inside the input, row by row: padding cells are skipped.
template <typename Fn>
inline void ForEachWindowCell(const WindowGeometry& g, int64_t oh, int64_t ow,
                              Fn&& fn) {
  const int64_t h0 = oh * g.h.stride - g.h.pad_before;
  const int64_t w0 = ow * g.w.stride - g.w.pad_before;
  for (int64_t i = 0; i < g.h.window; ++i) {
    const int64_t ih = h0 + i * g.h.dilation;
    if (ih < 0 || ih >= g.h.in) continue;
    for (int64_t j = 0; j < g.w.window; ++j) {
      const int64_t iw = w0 + j * g.w.dilation;
      if (iw < 0 || iw >= g.w.in) continue;
      fn(i, j, ih, iw);
    }
  }
}

// The offset of pixel (n, h, w) of an NHWC tensor with the geometry's
// input (`input` true) or output spatial size and `c` channels.
inline int64_t PixelOffset(const WindowGeometry& g, bool input, int64_t n,
                           int64_t h, int64_t w, int64_t c) {
  const int64_t height = input ? g.h.in : g.h.out;
  const int64_t width = input ? g.w.in : g.w.out;
  return ((n * height + h) * width + w) * c;
}

}  // namespace tg

#endif  // TG_KERNELS_CPU_WINDOW_H_
