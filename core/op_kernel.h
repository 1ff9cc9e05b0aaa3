// Kernels and the kernel registry.
//
// A kernel object is created once per node when an executor is built:
// Init() reads and validates attrs (never per step), and Compute() is the hot
// path, called once per run with the node's inputs. Registration is per
// (op, device type, type constraints):
//
//   class ReluCpu : public OpKernel { ... };
//   TG_REGISTER_KERNEL(KernelDefBuilder("Relu").Device(kDeviceCpu)
//                          .TypeConstraint("T", DT_FLOAT),
//                      ReluCpu<float>);
//
// Compute errors carry no node context; the executor prefixes
// "[Op] node 'name': ".
#ifndef TG_CORE_OP_KERNEL_H_
#define TG_CORE_OP_KERNEL_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "core/attr_value.h"
#include "core/device.h"
#include "core/op_registry.h"
#include "core/status.h"
#include "core/tensor.h"
#include "core/variable.h"

namespace tg {

// What travels on an edge at run time: a tensor, or for reference edges the
// variable itself.
struct TensorValue {
  Tensor tensor;
  Variable* ref = nullptr;
};

class OpKernelConstruction {
 public:
  OpKernelConstruction(const NodeDef* def, const DataTypeVector* input_types,
                       const DataTypeVector* output_types, Device* device,
                       VariableStore* variables)
      : def_(def),
        input_types_(input_types),
        output_types_(output_types),
        device_(device),
        variables_(variables) {}

  const NodeDef& def() const { return *def_; }
  const DataTypeVector& input_types() const { return *input_types_; }
  const DataTypeVector& output_types() const { return *output_types_; }
  Device* device() const { return device_; }
  VariableStore* variables() const { return variables_; }
  template <typename T>
  absl::StatusOr<T> GetAttr(absl::string_view name) const {
    return tg::GetAttr<T>(def_->attr(), name);
  }

 private:
  const NodeDef* def_;
  const DataTypeVector* input_types_;
  const DataTypeVector* output_types_;
  Device* device_;
  VariableStore* variables_;
};

class OpKernelContext {
 public:
  OpKernelContext(Device* device, absl::Span<const TensorValue* const> inputs,
                  absl::Span<TensorValue> outputs)
      : device_(device), inputs_(inputs), outputs_(outputs) {}

  int num_inputs() const { return static_cast<int>(inputs_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  // The value of input i (a reference input reads its variable's tensor).
  const Tensor& input(int i) const {
    const TensorValue* v = inputs_[i];
    return v->ref != nullptr ? v->ref->tensor : v->tensor;
  }
  // The variable behind reference input i, or null for a value input.
  Variable* input_ref(int i) const { return inputs_[i]->ref; }

  Device* device() const { return device_; }
  ThreadPool* thread_pool() const { return device_->thread_pool(); }

  // Allocates output i on this kernel's device; ResourceExhausted (naming
  // the bytes and the device's limit) when it does not fit.
  absl::StatusOr<Tensor*> allocate_output(int i, DataType dtype,
                                          const TensorShape& shape) {
    TG_ASSIGN_OR_RETURN(outputs_[i].tensor,
                        Tensor::Allocate(dtype, shape, device_->allocator()));
    return &outputs_[i].tensor;
  }
  // A scratch tensor on this kernel's device, failing the same way.
  absl::StatusOr<Tensor> allocate_temp(DataType dtype,
                                       const TensorShape& shape) {
    return Tensor::Allocate(dtype, shape, device_->allocator());
  }
  // The buffer of output i, allocated earlier in this Compute.
  template <typename T>
  T* output_data(int i) {
    return outputs_[i].tensor.data<T>();
  }
  void set_output(int i, Tensor t) { outputs_[i].tensor = std::move(t); }
  void set_output_ref(int i, Variable* v) { outputs_[i].ref = v; }

 private:
  Device* device_;
  absl::Span<const TensorValue* const> inputs_;
  absl::Span<TensorValue> outputs_;
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  virtual absl::Status Init(OpKernelConstruction&) { return absl::OkStatus(); }
  virtual absl::Status Compute(OpKernelContext& ctx) = 0;
};

using KernelFactory = std::function<std::unique_ptr<OpKernel>()>;

struct KernelDef {
  std::string op;
  std::string device_type;
  std::vector<std::pair<std::string, DataType>> constraints;
  KernelFactory factory;
  // "device='CPU'; T in [float]".
  std::string DebugString() const;
};

class KernelDefBuilder {
 public:
  explicit KernelDefBuilder(std::string op) { def_.op = std::move(op); }
  KernelDefBuilder& Device(std::string type) {
    def_.device_type = std::move(type);
    return *this;
  }
  KernelDefBuilder& TypeConstraint(std::string attr, DataType t) {
    def_.constraints.emplace_back(std::move(attr), t);
    return *this;
  }
  template <typename T>
  KernelDefBuilder& TypeConstraint(std::string attr) {
    return TypeConstraint(std::move(attr), DataTypeToEnum<T>::value);
  }
  KernelDef Build(KernelFactory factory) const {
    KernelDef d = def_;
    d.factory = std::move(factory);
    return d;
  }

 private:
  KernelDef def_;
};

// KernelDefBuilder(op).Device(kDeviceCpu): the common start of a CPU
// registration.
inline KernelDefBuilder CpuKernel(std::string op) {
  return KernelDefBuilder(std::move(op)).Device(kDeviceCpu);
}

class KernelRegistry {
 public:
  static KernelRegistry* Global();
  void Register(KernelDef def);
  // The kernel for `node` on `device_type`. NotFound lists what is
  // registered for the op when nothing matches.
  absl::StatusOr<const KernelDef*> Find(const NodeDef& node,
                                        absl::string_view device_type) const;
  std::vector<const KernelDef*> KernelsFor(absl::string_view op) const;

 private:
  std::vector<KernelDef> kernels_;
};

// Creates and initializes the kernel for a node.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateKernel(
    const KernelDef& def, OpKernelConstruction& construction);

struct KernelRegistrar {
  explicit KernelRegistrar(KernelDef def) {
    KernelRegistry::Global()->Register(std::move(def));
  }
};

#define TG_REGISTER_KERNEL(builder, ...)                                     \
  static ::tg::KernelRegistrar TG_CONCAT(tg_kernel_registrar_, __COUNTER__)( \
      (builder).Build([]() -> std::unique_ptr<::tg::OpKernel> {              \
        return std::make_unique<__VA_ARGS__>();                              \
      }))

}  // namespace tg

#endif  // TG_CORE_OP_KERNEL_H_
