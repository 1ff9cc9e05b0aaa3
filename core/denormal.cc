#include "core/denormal.h"

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace tg {

#if defined(__SSE2__)
// MXCSR bits: flush-to-zero (15) and denormals-are-zero (6).
constexpr unsigned kFlushBits = (1u << 15) | (1u << 6);

ScopedFlushDenormal::ScopedFlushDenormal() : saved_(_mm_getcsr()) {
  _mm_setcsr(saved_ | kFlushBits);
}
ScopedFlushDenormal::~ScopedFlushDenormal() { _mm_setcsr(saved_); }
#else
ScopedFlushDenormal::ScopedFlushDenormal() = default;
ScopedFlushDenormal::~ScopedFlushDenormal() = default;
#endif

}  // namespace tg
