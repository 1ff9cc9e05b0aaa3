#include "tests/testing/gpu.h"

#include "absl/strings/str_cat.h"
#include "core/device_factory.h"

namespace tg {
namespace testing {

std::string WhyNoGpu() {
  if (DevicePriority(kDeviceGpu) < 0) {
    return "built without --config=cuda: no GPU device";
  }
  absl::StatusOr<std::vector<std::unique_ptr<Device>>> devices =
      CreateDevices({}, {"GPU"});
  if (!devices.ok()) {
    return absl::StrCat("creating the GPU failed: ",
                        devices.status().message());
  }
  if (devices->size() < 2) {  // The CPU is always there.
    return absl::StrCat("no GPU on this machine (", NoDevicesReason(kDeviceGpu),
                        ")");
  }
  return "";
}

}  // namespace testing
}  // namespace tg
