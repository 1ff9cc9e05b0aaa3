// For tests with a GPU instance: whether this build and machine can run it.
#ifndef TG_TESTS_TESTING_GPU_H_
#define TG_TESTS_TESTING_GPU_H_

#include <string>

namespace tg {
namespace testing {

// Why a GPU test cannot run here ("built without --config=cuda: no GPU
// device", "no GPU on this machine (...)"); empty when a GPU can be used.
std::string WhyNoGpu();

}  // namespace testing
}  // namespace tg

#endif  // TG_TESTS_TESTING_GPU_H_
