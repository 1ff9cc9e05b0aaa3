// Walking the windows of an NHWC convolution or pooling on the CPU.
#ifndef TG_KERNELS_CPU_WINDOW_H_
#define TG_KERNELS_CPU_WINDOW_H_

#include <algorithm>
#include <cstdint>

#include "core/conv_geometry.h"

namespace tg {

// The window indices [*first, *last) whose cells start + i * dilation lie
// in [0, in): computed, not searched, so that a window of 10^18 cells
// (a hostile ksize with SAME padding) costs nothing beyond its real cells.
inline void CellsInside(int64_t start, int64_t window, int64_t dilation,
                        int64_t in, int64_t* first, int64_t* last) {
  const int64_t before = start < 0 ? -start : 0;  // cells left of the input
  *first = before / dilation + (before % dilation != 0 ? 1 : 0);
  const int64_t room = in - 1 - start;  // reach of the last inside cell
  *last = room < 0 ? 0 : std::min(window, room / dilation + 1);
}

// Calls fn(i, j, ih, iw) for each cell (i, j) of output pixel (oh, ow)'s
// window that lies inside the input, row by row: padding cells are skipped.
template <typename Fn>
inline void ForEachWindowCell(const WindowGeometry& g, int64_t oh, int64_t ow,
                              Fn&& fn) {
  const int64_t h0 = oh * g.h.stride - g.h.pad_before;
  const int64_t w0 = ow * g.w.stride - g.w.pad_before;
  int64_t i0, i1, j0, j1;
  CellsInside(h0, g.h.window, g.h.dilation, g.h.in, &i0, &i1);
  CellsInside(w0, g.w.window, g.w.dilation, g.w.in, &j0, &j1);
  for (int64_t i = i0; i < i1; ++i) {
    for (int64_t j = j0; j < j1; ++j) {
      fn(i, j, h0 + i * g.h.dilation, w0 + j * g.w.dilation);
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
