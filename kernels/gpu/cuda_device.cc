#include "kernels/gpu/cuda_device.h"

#include <atomic>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tg {
namespace gpu {

absl::Status CudaStatus(cudaError_t err, const char* call) {
  if (err == cudaSuccess) return absl::OkStatus();
  cudaGetLastError();  // Clears a sticky-free error so later calls proceed.
  const std::string msg = absl::StrCat(call, " failed: ", cudaGetErrorName(err),
                                       " (", cudaGetErrorString(err), ")");
  if (err == cudaErrorMemoryAllocation) {
    return absl::ResourceExhaustedError(msg);
  }
  return absl::InternalError(msg);
}

// The GPU's memory: its default pool, on the device's compute stream, with
// pinned staging for host transfers.
class CudaMemory final : public Allocator,
                         public std::enable_shared_from_this<CudaMemory> {
 public:
  CudaMemory(int ordinal, cudaStream_t compute, cudaStream_t copy,
             cudaMemPool_t pool)
      : ordinal_(ordinal),
        name_(absl::StrCat("/device:GPU:", ordinal)),
        compute_(compute),
        copy_(copy),
        pool_(pool) {}
  ~CudaMemory() override {
    if (staging_ != nullptr) cudaFreeHost(staging_);
    for (cudaEvent_t e : {compute_done_, copy_done_}) {
      if (e != nullptr) cudaEventDestroy(e);
    }
  }

  absl::Status Init() {
    TG_CUDA_RETURN_IF_ERROR(
        cudaEventCreateWithFlags(&compute_done_, cudaEventDisableTiming));
    TG_CUDA_RETURN_IF_ERROR(
        cudaEventCreateWithFlags(&copy_done_, cudaEventDisableTiming));
    return absl::OkStatus();
  }

  std::string Name() const override { return "cuda"; }
  std::string MemoryName() const override { return name_; }
  const void* memory_space() const override { return this; }
  std::shared_ptr<Allocator> KeepAlive() override { return shared_from_this(); }

  // The device is gone: buffers still held elsewhere are freed and copied
  // on the default stream from now on.
  void Detach() {
    compute_ = nullptr;
    copy_ = nullptr;
  }

  // While the compute stream is captured: no new buffers, no host
  // transfers, and buffers freed are kept (EndCapture takes them).
  void SetCapturing(bool on) {
    absl::MutexLock lock(&mu_);
    capturing_ = on;
  }
  std::vector<void*> TakeFreedWhileCapturing() {
    absl::MutexLock lock(&mu_);
    return std::move(freed_while_capturing_);
  }

  void* Allocate(size_t bytes) override {
    if (bytes == 0) return nullptr;
    if (capturing_) return nullptr;  // DescribeUsage says why.
    void* p = nullptr;
    cudaSetDevice(ordinal_);
    cudaError_t err = cudaMallocFromPoolAsync(&p, bytes, pool_, compute_);
    if (err != cudaSuccess) {
      cudaGetLastError();
      return nullptr;
    }
    return p;
  }
  void Deallocate(void* ptr, size_t) override {
    if (ptr == nullptr) return;
    if (capturing_) {
      absl::MutexLock lock(&mu_);
      if (capturing_) {
        freed_while_capturing_.push_back(ptr);
        return;
      }
    }
    cudaSetDevice(ordinal_);
    if (cudaFreeAsync(ptr, compute_) != cudaSuccess) cudaGetLastError();
  }
  std::string DescribeUsage() const override {
    if (capturing_) {
      return absl::StrCat(name_,
                          ": no new buffers while a step is captured as a "
                          "CUDA Graph (the memory plan does not cover this "
                          "one)");
    }
    size_t free = 0, total = 0;
    cudaSetDevice(ordinal_);
    if (cudaMemGetInfo(&free, &total) != cudaSuccess) {
      cudaGetLastError();
      return absl::StrCat(name_, ": cudaMallocFromPoolAsync failed");
    }
    return absl::StrCat(name_, ": cudaMallocFromPoolAsync failed, ",
                        HumanBytes(static_cast<int64_t>(free)), " free of ",
                        HumanBytes(static_cast<int64_t>(total)));
  }

  absl::Status CopyToHost(void* dst, const void* src, size_t bytes) override {
    if (bytes == 0) return absl::OkStatus();
    absl::MutexLock lock(&mu_);
    TG_RETURN_IF_ERROR(NotCapturing("copying to the host"));
    TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
    TG_RETURN_IF_ERROR(Stage(bytes));
    // The copy stream waits for the kernels that write `src`.
    TG_CUDA_RETURN_IF_ERROR(cudaEventRecord(compute_done_, compute_));
    TG_CUDA_RETURN_IF_ERROR(cudaStreamWaitEvent(copy_, compute_done_, 0));
    TG_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(staging_, src, bytes, cudaMemcpyDeviceToHost, copy_));
    TG_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(copy_));
    std::memcpy(dst, staging_, bytes);
    return absl::OkStatus();
  }

  absl::Status CopyFromHost(void* dst, const void* src, size_t bytes) override {
    if (bytes == 0) return absl::OkStatus();
    absl::MutexLock lock(&mu_);
    TG_RETURN_IF_ERROR(NotCapturing("copying from the host"));
    TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
    TG_RETURN_IF_ERROR(Stage(bytes));
    std::memcpy(staging_, src, bytes);
    // `dst` was allocated in compute-stream order; the compute stream then
    // waits for the copy before any kernel reads it.
    TG_CUDA_RETURN_IF_ERROR(cudaEventRecord(compute_done_, compute_));
    TG_CUDA_RETURN_IF_ERROR(cudaStreamWaitEvent(copy_, compute_done_, 0));
    TG_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(dst, staging_, bytes, cudaMemcpyHostToDevice, copy_));
    TG_CUDA_RETURN_IF_ERROR(cudaEventRecord(copy_done_, copy_));
    TG_CUDA_RETURN_IF_ERROR(cudaStreamWaitEvent(compute_, copy_done_, 0));
    staging_busy_ = true;
    return absl::OkStatus();
  }

  absl::Status CopyWithin(void* dst, const void* src, size_t bytes) override {
    if (bytes == 0) return absl::OkStatus();
    return CudaStatus(
        cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, compute_),
        "cudaMemcpyAsync(device to device)");
  }

 private:
  absl::Status NotCapturing(absl::string_view what) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!capturing_) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        what, " ", name_, " while a step is captured as a CUDA Graph"));
  }

  // Makes the pinned staging buffer at least `bytes` long and free to write
  // (the last upload from it has finished).
  absl::Status Stage(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (staging_busy_) {
      TG_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(copy_done_));
      staging_busy_ = false;
    }
    if (bytes <= staging_bytes_) return absl::OkStatus();
    if (staging_ != nullptr) {
      TG_CUDA_RETURN_IF_ERROR(cudaFreeHost(staging_));
      staging_ = nullptr;
      staging_bytes_ = 0;
    }
    absl::Status s =
        CudaStatus(cudaMallocHost(&staging_, bytes), "cudaMallocHost(staging)");
    if (!s.ok()) {
      staging_ = nullptr;
      return AnnotateStatus(s, absl::StrCat("pinning ", bytes, " bytes: "));
    }
    staging_bytes_ = bytes;
    return absl::OkStatus();
  }

  const int ordinal_;
  const std::string name_;
  std::atomic<cudaStream_t> compute_, copy_;
  cudaMemPool_t pool_;
  cudaEvent_t compute_done_ = nullptr, copy_done_ = nullptr;
  absl::Mutex mu_;
  void* staging_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t staging_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool staging_busy_ ABSL_GUARDED_BY(mu_) = false;
  // Read without the lock on the allocation path: only the capturing
  // thread changes it, between steps.
  std::atomic<bool> capturing_{false};
  std::vector<void*> freed_while_capturing_ ABSL_GUARDED_BY(mu_);
};

// One instantiated CUDA Graph of a step, launched on the compute stream.
class CudaGraphWork final : public CapturedWork {
 public:
  CudaGraphWork(int ordinal, cudaStream_t stream, cudaGraphExec_t exec)
      : ordinal_(ordinal), stream_(stream), exec_(exec) {}
  ~CudaGraphWork() override {
    cudaSetDevice(ordinal_);
    cudaStreamSynchronize(stream_);
    cudaGraphExecDestroy(exec_);
    cudaGetLastError();
  }
  absl::Status Replay() override {
    TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
    return CudaStatus(cudaGraphLaunch(exec_, stream_), "cudaGraphLaunch");
  }

 private:
  const int ordinal_;
  cudaStream_t stream_;
  cudaGraphExec_t exec_;
};

CudaDevice::CudaDevice(int ordinal, const DeviceOptions& options)
    : Device(kDeviceGpu, ordinal),
      ordinal_(ordinal),
      allow_tf32_(options.allow_tf32),
      host_pool_(2) {}

CudaDevice::~CudaDevice() {
  cudaSetDevice(ordinal_);
  if (compute_ != nullptr) cudaStreamSynchronize(compute_);
  if (memory_ != nullptr) memory_->Detach();
  {
    absl::MutexLock lock(&mu_);
    cublas_.reset();
    cudnn_.reset();
  }
  // Buffers the caller still holds keep the memory object; the streams go.
  for (cudaStream_t s : {compute_, copy_}) {
    if (s != nullptr) cudaStreamDestroy(s);
  }
  if (report_host_ != nullptr) cudaFreeHost(report_host_);
}

absl::StatusOr<std::unique_ptr<CudaDevice>> CudaDevice::Create(
    int ordinal, const DeviceOptions& options) {
  std::unique_ptr<CudaDevice> d(new CudaDevice(ordinal, options));
  TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal));
  TG_CUDA_RETURN_IF_ERROR(
      cudaStreamCreateWithFlags(&d->compute_, cudaStreamNonBlocking));
  TG_CUDA_RETURN_IF_ERROR(
      cudaStreamCreateWithFlags(&d->copy_, cudaStreamNonBlocking));
  cudaMemPool_t pool = nullptr;
  TG_CUDA_RETURN_IF_ERROR(cudaDeviceGetDefaultMemPool(&pool, ordinal));
  // Keep freed memory in the pool between steps instead of returning it to
  // the driver at every synchronization.
  uint64_t keep = std::numeric_limits<uint64_t>::max();
  TG_CUDA_RETURN_IF_ERROR(
      cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
  void* report = nullptr;
  TG_CUDA_RETURN_IF_ERROR(
      cudaHostAlloc(&report, sizeof(DeviceErrorReport), cudaHostAllocMapped));
  d->report_host_ = new (report) DeviceErrorReport();
  void* on_device = nullptr;
  TG_CUDA_RETURN_IF_ERROR(cudaHostGetDevicePointer(&on_device, report, 0));
  d->report_device_ = static_cast<DeviceErrorReport*>(on_device);
  d->memory_ =
      std::make_shared<CudaMemory>(ordinal, d->compute_, d->copy_, pool);
  TG_RETURN_IF_ERROR(d->memory_->Init());
  return d;
}

Allocator* CudaDevice::allocator() { return memory_.get(); }

absl::Status CudaDevice::Compute(OpKernel& kernel, OpKernelContext& ctx) {
  TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
  DeviceMemoryScope scope(memory_.get());
  TG_RETURN_IF_ERROR(kernel.Compute(ctx));
  // A launch that failed (bad configuration) reports here, at its node.
  return CudaStatus(cudaGetLastError(), "kernel launch");
}

ErrorSite CudaDevice::RegisterErrorSite(std::string what) {
  absl::MutexLock lock(&mu_);
  error_sites_.push_back(std::move(what));
  return {report_device_, static_cast<int32_t>(error_sites_.size() - 1)};
}

absl::Status CudaDevice::Sync() {
  TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
  TG_RETURN_IF_ERROR(CudaStatus(cudaStreamSynchronize(compute_),
                                "cudaStreamSynchronize (a kernel failed)"));
  // Written by the device; complete once the stream is.
  volatile DeviceErrorReport* r = report_host_;
  if (r->flag == 0) return absl::OkStatus();
  const DeviceErrorReport seen{r->flag, r->site, r->position, r->value,
                               r->bound};
  r->flag = 0;
  std::string where;
  {
    absl::MutexLock lock(&mu_);
    where = seen.site >= 0 && seen.site < static_cast<int>(error_sites_.size())
                ? error_sites_[seen.site]
                : "a kernel";
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, "[", seen.position, "] = ", seen.value,
                   " is not in [0, ", seen.bound, ") (found on ", name(),
                   "; the step's later kernels ran with zeros in its place)"));
}

absl::Status CudaDevice::BeginCapture() {
  TG_CUDA_RETURN_IF_ERROR(cudaSetDevice(ordinal_));
  memory_->SetCapturing(true);
  absl::Status s = CudaStatus(
      cudaStreamBeginCapture(compute_, cudaStreamCaptureModeThreadLocal),
      "cudaStreamBeginCapture");
  if (!s.ok()) memory_->SetCapturing(false);
  return s;
}

absl::StatusOr<std::unique_ptr<CapturedWork>> CudaDevice::EndCapture() {
  cudaSetDevice(ordinal_);
  cudaGraph_t graph = nullptr;
  absl::Status s = CudaStatus(cudaStreamEndCapture(compute_, &graph),
                              "cudaStreamEndCapture");
  memory_->SetCapturing(false);
  std::vector<void*> freed = memory_->TakeFreedWhileCapturing();
  if (s.ok() && !freed.empty()) {
    s = absl::FailedPreconditionError(
        absl::StrCat(freed.size(),
                     " device buffer(s) were freed during the step, which "
                     "a CUDA Graph may still name"));
  }
  cudaGraphExec_t exec = nullptr;
  if (s.ok()) {
    s = CudaStatus(cudaGraphInstantiate(&exec, graph, 0),
                   "cudaGraphInstantiate");
  }
  if (graph != nullptr) cudaGraphDestroy(graph);
  // Nothing recorded has run: the buffers go back in stream order.
  for (void* p : freed) memory_->Deallocate(p, 0);
  if (!s.ok()) return s;
  return std::make_unique<CudaGraphWork>(ordinal_, compute_, exec);
}

absl::StatusOr<CublasHandle*> CudaDevice::cublas() {
  absl::MutexLock lock(&mu_);
  if (cublas_ == nullptr) {
    TG_ASSIGN_OR_RETURN(cublas_, CublasHandle::Create(compute_, allow_tf32_));
  }
  return cublas_.get();
}

absl::StatusOr<CudnnHandle*> CudaDevice::cudnn() {
  absl::MutexLock lock(&mu_);
  if (cudnn_ == nullptr) {
    TG_ASSIGN_OR_RETURN(cudnn_, CudnnHandle::Create(compute_));
  }
  return cudnn_.get();
}

namespace {

class CudaDeviceFactory final : public DeviceFactory {
 public:
  absl::Status CreateDevices(
      const DeviceOptions& options,
      std::vector<std::unique_ptr<Device>>* devices) override {
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
      cudaGetLastError();
      // Told to the user when they ask for a GPU (SessionOptions).
      SetNoDevicesReason(
          kDeviceGpu,
          absl::StrCat(
              "no CUDA GPU: cudaGetDeviceCount says ",
              err == cudaSuccess ? "0 devices" : cudaGetErrorString(err)));
      return absl::OkStatus();
    }
    for (int i = 0; i < count; ++i) {
      TG_ASSIGN_OR_RETURN(std::unique_ptr<CudaDevice> d,
                          CudaDevice::Create(i, options));
      devices->push_back(std::move(d));
    }
    return absl::OkStatus();
  }
};
TG_REGISTER_DEVICE_FACTORY(kDeviceGpu, 300, CudaDeviceFactory);

}  // namespace
}  // namespace gpu
}  // namespace tg
