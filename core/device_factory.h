// The device registry: one factory per device type, registered at start-up
// by whatever the binary links (the CPU always; the CUDA build's GPU
// factory from //kernels:all; tests add their own). A session asks the
// registry for its devices, so the runtime never depends on which device
// types exist.
//
//   class MyFactory : public DeviceFactory { ... };
//   TG_REGISTER_DEVICE_FACTORY("XPU", 250, MyFactory);
#ifndef TG_CORE_DEVICE_FACTORY_H_
#define TG_CORE_DEVICE_FACTORY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/device.h"

namespace tg {

// What a session asks of its devices.
struct DeviceOptions {
  // Threads of the CPU device's intra-op pool; <= 0: one per core.
  int intra_op_threads = 0;
  // The most bytes one device's tensors may hold at once; <= 0: the
  // process default (host) or what the device has (accelerators).
  int64_t memory_limit_bytes = 0;
  // Let matrix products on GPUs use TF32 tensor cores (about 10 bits of
  // mantissa); off by default, so results are exact FP32.
  bool allow_tf32 = false;
};

class DeviceFactory {
 public:
  virtual ~DeviceFactory() = default;
  // Appends new devices of this type for one session: one per unit the
  // machine has, none (and OK) when it has none.
  virtual absl::Status CreateDevices(
      const DeviceOptions& options,
      std::vector<std::unique_ptr<Device>>* devices) = 0;
};

// `priority` orders placement: an unconstrained node goes to the device of
// the highest priority that has a kernel for it (GPU 300, CPU 200). Aborts
// on a type registered twice (a bug in the binary).
void RegisterDeviceFactory(const std::string& type, int priority,
                           std::unique_ptr<DeviceFactory> factory);

// Registered types, highest priority first.
std::vector<std::string> RegisteredDeviceTypes();
// The type's priority, or -1 when no factory is registered for it.
int DevicePriority(absl::string_view type);

// Devices for one session: each registered type's devices that match one
// of `visible` (device names or types as ParseDeviceSpec reads them; empty:
// all), highest priority first. The CPU is always included: host-memory
// work runs there. An entry of `visible` naming no registered type is an
// error listing the registered ones.
absl::StatusOr<std::vector<std::unique_ptr<Device>>> CreateDevices(
    const DeviceOptions& options, const std::vector<std::string>& visible);

// Prints "tensorgraph: note: <message>" on stderr the first time it is
// called for `type` in this process; later calls are silent. For telling a
// user once that a device type they asked for has no devices here.
void NoteDeviceTypeOnce(const std::string& type, const std::string& message);

// Why a factory found no devices of its type ("cudaGetDeviceCount: no
// CUDA-capable device is detected"): recorded by the factory, told to the
// user when they ask for that type (a session's default device), so that
// runs that never asked stay quiet. Empty when none was recorded.
void SetNoDevicesReason(const std::string& type, const std::string& reason);
std::string NoDevicesReason(const std::string& type);

struct DeviceFactoryRegistrar {
  DeviceFactoryRegistrar(const std::string& type, int priority,
                         std::unique_ptr<DeviceFactory> factory) {
    RegisterDeviceFactory(type, priority, std::move(factory));
  }
};

#define TG_REGISTER_DEVICE_FACTORY(type, priority, factory) \
  static ::tg::DeviceFactoryRegistrar TG_CONCAT(            \
      tg_device_factory_, __COUNTER__)(type, priority,      \
                                       std::make_unique<factory>())

}  // namespace tg

#endif  // TG_CORE_DEVICE_FACTORY_H_
