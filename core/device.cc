#include "core/device.h"

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/op_kernel.h"

namespace tg {

Device::Device(std::string type, int id)
    : type_(std::move(type)),
      id_(id),
      name_(absl::StrCat("/device:", type_, ":", id)) {}

absl::Status Device::Compute(OpKernel& kernel, OpKernelContext& ctx) {
  DeviceMemoryScope scope(allocator()->memory_space());
  return kernel.Compute(ctx);
}

absl::Status Device::BeginCapture() {
  return absl::UnimplementedError(
      absl::StrCat(name_, " cannot capture a step"));
}

absl::StatusOr<std::unique_ptr<CapturedWork>> Device::EndCapture() {
  return absl::UnimplementedError(
      absl::StrCat(name_, " cannot capture a step"));
}

CpuDevice::CpuDevice(int num_threads, int64_t memory_limit_bytes)
    : Device(kDeviceCpu, 0),
      pool_(num_threads > 0 ? num_threads
                            : static_cast<int>(std::max(
                                  1u, std::thread::hardware_concurrency()))),
      allocator_(std::make_shared<LimitedAllocator>(
          CpuAllocator(), memory_limit_bytes > 0 ? memory_limit_bytes
                                                 : DefaultMemoryLimitBytes())) {
}

absl::StatusOr<DeviceSpec> ParseDeviceSpec(absl::string_view name) {
  DeviceSpec spec;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed device '", name, "': ", why));
  };
  for (absl::string_view part : absl::StrSplit(name, '/', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(part, ':');
    std::string key = absl::AsciiStrToLower(f[0]);
    if (key == "job" || key == "replica" || key == "task") continue;
    size_t i = 0;
    if (key == "device") i = 1;
    if (f.size() <= i) return bad("missing device type");
    spec.type = absl::AsciiStrToUpper(f[i]);
    if (f.size() > i + 1) {
      if (f[i + 1] == "*") continue;
      if (!absl::SimpleAtoi(f[i + 1], &spec.id) || spec.id < 0) {
        return bad("device id is not a number");
      }
    }
    if (f.size() > i + 2) return bad("too many ':' fields");
  }
  return spec;
}

}  // namespace tg
