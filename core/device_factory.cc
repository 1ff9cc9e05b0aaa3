#include "core/device_factory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace tg {
namespace {

struct Entry {
  std::string type;
  int priority;
  std::unique_ptr<DeviceFactory> factory;
};

struct Registry {
  absl::Mutex mu;
  std::vector<Entry> entries ABSL_GUARDED_BY(mu);  // Highest priority first.
};

Registry& GetRegistry() {
  static Registry* const registry = new Registry();
  return *registry;
}

class CpuDeviceFactory final : public DeviceFactory {
 public:
  absl::Status CreateDevices(
      const DeviceOptions& options,
      std::vector<std::unique_ptr<Device>>* devices) override {
    devices->push_back(std::make_unique<CpuDevice>(options.intra_op_threads,
                                                   options.memory_limit_bytes));
    return absl::OkStatus();
  }
};

// Registered here, with the registry itself, so every binary that can make
// a session has it.
TG_REGISTER_DEVICE_FACTORY(kDeviceCpu, 200, CpuDeviceFactory);

bool Visible(const Device& d, const std::vector<DeviceSpec>& specs) {
  if (specs.empty() || d.type() == kDeviceCpu) return true;
  return std::any_of(specs.begin(), specs.end(),
                     [&](const DeviceSpec& s) { return s.Matches(d); });
}

}  // namespace

void NoteDeviceTypeOnce(const std::string& type, const std::string& message) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* noted = new std::vector<std::string>();
  absl::MutexLock lock(&mu);
  if (std::find(noted->begin(), noted->end(), type) != noted->end()) return;
  noted->push_back(type);
  std::fprintf(stderr, "tensorgraph: note: %s\n", message.c_str());
}

namespace {
absl::Mutex reasons_mu(absl::kConstInit);
std::vector<std::pair<std::string, std::string>>& Reasons()
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(reasons_mu) {
  static auto* reasons = new std::vector<std::pair<std::string, std::string>>();
  return *reasons;
}
}  // namespace

void SetNoDevicesReason(const std::string& type, const std::string& reason) {
  absl::MutexLock lock(&reasons_mu);
  for (auto& [t, r] : Reasons()) {
    if (t == type) {
      r = reason;
      return;
    }
  }
  Reasons().emplace_back(type, reason);
}

std::string NoDevicesReason(const std::string& type) {
  absl::MutexLock lock(&reasons_mu);
  for (const auto& [t, r] : Reasons()) {
    if (t == type) return r;
  }
  return "";
}

void RegisterDeviceFactory(const std::string& type, int priority,
                           std::unique_ptr<DeviceFactory> factory) {
  Registry& r = GetRegistry();
  absl::MutexLock lock(&r.mu);
  for (const Entry& e : r.entries) {
    if (e.type == type) {
      std::fprintf(stderr, "tensorgraph: device type '%s' registered twice\n",
                   type.c_str());
      std::abort();
    }
  }
  r.entries.push_back({type, priority, std::move(factory)});
  std::stable_sort(
      r.entries.begin(), r.entries.end(),
      [](const Entry& a, const Entry& b) { return a.priority > b.priority; });
}

std::vector<std::string> RegisteredDeviceTypes() {
  Registry& r = GetRegistry();
  absl::MutexLock lock(&r.mu);
  std::vector<std::string> types;
  for (const Entry& e : r.entries) types.push_back(e.type);
  return types;
}

int DevicePriority(absl::string_view type) {
  Registry& r = GetRegistry();
  absl::MutexLock lock(&r.mu);
  for (const Entry& e : r.entries) {
    if (e.type == type) return e.priority;
  }
  return -1;
}

absl::StatusOr<std::vector<std::unique_ptr<Device>>> CreateDevices(
    const DeviceOptions& options, const std::vector<std::string>& visible) {
  const std::vector<std::string> types = RegisteredDeviceTypes();
  std::vector<DeviceSpec> specs;
  for (const std::string& v : visible) {
    TG_ASSIGN_OR_RETURN(DeviceSpec spec, ParseDeviceSpec(v));
    // GPU is known to every build; one without CUDA just has none.
    TG_REQUIRE(spec.type.empty() || spec.type == kDeviceGpu ||
                   DevicePriority(spec.type) >= 0,
               InvalidArgument, "visible device '", v,
               "' names no device type of this build; registered: ",
               absl::StrJoin(types, ", "));
    specs.push_back(spec);
  }
  std::vector<std::unique_ptr<Device>> all;
  Registry& r = GetRegistry();
  {
    absl::MutexLock lock(&r.mu);
    for (Entry& e : r.entries) {
      // Types nobody asked for are not even created (a GPU's streams).
      const bool wanted =
          specs.empty() || e.type == kDeviceCpu ||
          std::any_of(specs.begin(), specs.end(), [&](const DeviceSpec& s) {
            return s.type.empty() || s.type == e.type;
          });
      if (!wanted) continue;
      TG_RETURN_IF_ERROR(
          AnnotateStatus(e.factory->CreateDevices(options, &all),
                         absl::StrCat("creating the ", e.type, " devices: ")));
    }
  }
  std::vector<std::unique_ptr<Device>> devices;
  for (auto& d : all) {
    if (Visible(*d, specs)) devices.push_back(std::move(d));
  }
  return devices;
}

}  // namespace tg
