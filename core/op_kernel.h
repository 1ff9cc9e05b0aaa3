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

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "core/attr_value.h"
#include "core/collective.h"
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
  // `allocator`: where the kernel keeps tensors it makes at Init (a
  // constant's value); null: the device's memory.
  OpKernelConstruction(const NodeDef* def, const DataTypeVector* input_types,
                       const DataTypeVector* output_types, Device* device,
                       VariableStore* variables, Allocator* allocator = nullptr)
      : def_(def),
        input_types_(input_types),
        output_types_(output_types),
        device_(device),
        variables_(variables),
        allocator_(allocator != nullptr ? allocator : device->allocator()) {}

  const NodeDef& def() const { return *def_; }
  const DataTypeVector& input_types() const { return *input_types_; }
  const DataTypeVector& output_types() const { return *output_types_; }
  Device* device() const { return device_; }
  VariableStore* variables() const { return variables_; }
  // The processes collective ops run across (never null: the session's
  // context, or the one of size 1).
  CollectiveContext* collective() const { return collective_; }
  void set_collective(CollectiveContext* c) { collective_ = c; }
  // The memory the kernel's own tensors go to: its device's, or the host's
  // for a kernel the device runs on the host (KernelDef::on_host).
  Allocator* allocator() const { return allocator_; }
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
  Allocator* allocator_;
  CollectiveContext* collective_ = LocalCollectiveContext().get();
};

// Per call of Compute: the node's inputs, where its outputs go, and the
// memory each output is allocated in (the device's, or host memory for an
// output the kernel declares HostMemory).
class OpKernelContext {
 public:
  // Input i is `slots[input_slots[i]]`; output i goes to `outputs[i]`,
  // allocated from `output_allocators[i]`; scratch tensors come from
  // `temp_allocator` (null: the device's memory).
  OpKernelContext(Device* device, const TensorValue* slots,
                  absl::Span<const int> input_slots,
                  absl::Span<TensorValue> outputs,
                  absl::Span<Allocator* const> output_allocators,
                  Allocator* temp_allocator = nullptr)
      : device_(device),
        slots_(slots),
        input_slots_(input_slots),
        outputs_(outputs),
        output_allocators_(output_allocators),
        temp_allocator_(temp_allocator != nullptr ? temp_allocator
                                                  : device->allocator()) {}

  int num_inputs() const { return static_cast<int>(input_slots_.size()); }
  int num_outputs() const { return static_cast<int>(outputs_.size()); }
  // The value of input i (a reference input reads its variable's tensor).
  const Tensor& input(int i) const {
    const TensorValue& v = slots_[input_slots_[i]];
    return v.ref != nullptr ? v.ref->tensor : v.tensor;
  }
  // Whether input i holds a value. Only a Merge is ever given an input
  // without one (a dead input: runtime/control_flow_executor.h).
  bool has_input(int i) const {
    const TensorValue& v = slots_[input_slots_[i]];
    return v.ref != nullptr || v.tensor.IsInitialized();
  }
  // The variable behind reference input i, or null for a value input.
  Variable* input_ref(int i) const { return slots_[input_slots_[i]].ref; }

  Device* device() const { return device_; }
  ThreadPool* thread_pool() const { return device_->thread_pool(); }
  // The memory output i belongs in.
  Allocator* output_allocator(int i) const { return output_allocators_[i]; }

  // Allocates output i in its memory; ResourceExhausted (naming the bytes
  // and the memory's limit) when it does not fit.
  absl::StatusOr<Tensor*> allocate_output(int i, DataType dtype,
                                          const TensorShape& shape) {
    TG_ASSIGN_OR_RETURN(outputs_[i].tensor,
                        Tensor::Allocate(dtype, shape, output_allocators_[i]));
    return &outputs_[i].tensor;
  }
  // Output `out` in the buffer of the first of `candidates` (input
  // indices) that may be taken over: an input the executor lets this
  // kernel take (read for the last time here, and only through that input;
  // see AllowForwarding), with this dtype and shape, in the output's memory
  // and held by nothing else. Otherwise allocates as allocate_output. An
  // input taken over becomes empty: read what is needed from the inputs
  // (data pointers, shapes) before calling this. Elementwise kernels use it
  // to write in place of a value nobody will read again.
  absl::StatusOr<Tensor*> forward_input_or_allocate_output(
      std::initializer_list<int> candidates, int out, DataType dtype,
      const TensorShape& shape) {
    for (int k : candidates) {
      if (k >= static_cast<int>(forwardable_.size()) || !forwardable_[k]) {
        continue;
      }
      TensorValue& in = mutable_slots_[input_slots_[k]];
      if (in.ref == nullptr && in.tensor.dtype() == dtype &&
          !IsObjectType(dtype) && in.tensor.shape() == shape &&
          in.tensor.RefCountIsOne() &&
          in.tensor.memory_space() == output_allocators_[out]->memory_space()) {
        outputs_[out].tensor = std::move(in.tensor);
        in.tensor = Tensor();
        return &outputs_[out].tensor;
      }
    }
    return allocate_output(out, dtype, shape);
  }
  // Lets forward_input_or_allocate_output take input i's buffer where
  // forwardable[i] is nonzero; `slots` is the same array the context reads
  // its inputs from. The executor calls it; by default nothing is taken.
  void AllowForwarding(TensorValue* slots,
                       absl::Span<const uint8_t> forwardable) {
    mutable_slots_ = slots;
    forwardable_ = forwardable;
  }

  // A scratch tensor in the kernel's memory (its device's, or the host's
  // for a kernel run on the host), failing the same way.
  absl::StatusOr<Tensor> allocate_temp(DataType dtype,
                                       const TensorShape& shape) {
    return Tensor::Allocate(dtype, shape, temp_allocator_);
  }
  // The buffer of output i, allocated earlier in this Compute.
  template <typename T>
  T* output_data(int i) {
    return outputs_[i].tensor.data<T>();
  }
  // The tensor set as output i so far (uninitialized if none).
  const Tensor& output(int i) const { return outputs_[i].tensor; }
  void set_output(int i, Tensor t) { outputs_[i].tensor = std::move(t); }
  void set_output_ref(int i, Variable* v) { outputs_[i].ref = v; }
  // The variable set as output i, or null.
  Variable* output_ref(int i) const { return outputs_[i].ref; }

 private:
  Device* device_;
  const TensorValue* slots_;
  absl::Span<const int> input_slots_;
  absl::Span<TensorValue> outputs_;
  absl::Span<Allocator* const> output_allocators_;
  Allocator* temp_allocator_;
  TensorValue* mutable_slots_ = nullptr;
  absl::Span<const uint8_t> forwardable_;
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
  // Input and output args (by the op's arg names) that live in host memory
  // on this device: shapes, axes and sizes the kernel reads on the host,
  // outputs it computes there (TensorFlow's HostMemory). Meaningless on
  // the CPU, whose memory is the host's.
  std::vector<std::string> host_memory;
  // A kernel its device runs on the host (integer shape arithmetic on a
  // GPU): every arg in host memory, and its scratch and constant tensors
  // there too.
  bool on_host = false;
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
  KernelDefBuilder& HostMemory(std::string arg) {
    def_.host_memory.push_back(std::move(arg));
    return *this;
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

// Thread-safe; pointers it returns stay valid for the process.
class KernelRegistry {
 public:
  static KernelRegistry* Global();
  void Register(KernelDef def);
  // The kernel for `node` on `device_type`. NotFound lists what is
  // registered for the op when nothing matches.
  absl::StatusOr<const KernelDef*> Find(const NodeDef& node,
                                        absl::string_view device_type) const;
  std::vector<const KernelDef*> KernelsFor(absl::string_view op) const;
  // Every kernel, in registration order.
  std::vector<const KernelDef*> All() const;
  // Runs `fn` before the first lookup, once every static registration is
  // done: for registrations derived from other kernels (a device that
  // re-registers CPU kernels), which static initialization order cannot
  // sequence. Added after the first lookup, it runs at once.
  void AddDeferred(std::function<void()> fn);

 private:
  void RunDeferred() const;

  mutable absl::Mutex deferred_mu_;
  mutable std::vector<std::function<void()>> deferred_
      ABSL_GUARDED_BY(deferred_mu_);
  mutable bool deferred_done_ ABSL_GUARDED_BY(deferred_mu_) = false;
  mutable bool deferred_running_ ABSL_GUARDED_BY(deferred_mu_) = false;
  mutable std::thread::id deferred_runner_ ABSL_GUARDED_BY(deferred_mu_);
  mutable absl::Mutex mu_;
  std::deque<KernelDef> kernels_ ABSL_GUARDED_BY(mu_);
};

// Which of a node's inputs and outputs the kernel `def` keeps in host
// memory, by index into the node's expanded inputs and outputs. Internal
// error when `def` names an arg the op does not have.
absl::Status HostMemoryArgs(const KernelDef& def, const OpDef& op,
                            const AttrMap& attrs, std::vector<bool>* inputs,
                            std::vector<bool>* outputs);

// Creates and initializes the kernel for a node.
absl::StatusOr<std::unique_ptr<OpKernel>> CreateKernel(
    const KernelDef& def, OpKernelConstruction& construction);

struct KernelRegistrar {
  explicit KernelRegistrar(KernelDef def) {
    KernelRegistry::Global()->Register(std::move(def));
  }
};

// Calls `fn` (a void() function) through KernelRegistry::AddDeferred.
#define TG_REGISTER_DEFERRED_KERNELS(fn)                                \
  static const bool TG_CONCAT(tg_deferred_kernels_, __COUNTER__) = [] { \
    ::tg::KernelRegistry::Global()->AddDeferred(fn);                    \
    return true;                                                        \
  }()

#define TG_REGISTER_KERNEL(builder, ...)                                     \
  static ::tg::KernelRegistrar TG_CONCAT(tg_kernel_registrar_, __COUNTER__)( \
      (builder).Build([]() -> std::unique_ptr<::tg::OpKernel> {              \
        return std::make_unique<__VA_ARGS__>();                              \
      }))

}  // namespace tg

#endif  // TG_CORE_OP_KERNEL_H_
