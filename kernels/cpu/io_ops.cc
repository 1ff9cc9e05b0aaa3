// CPU kernels of the checkpoint and string ops: SaveV2, RestoreV2,
// MergeV2Checkpoints (V2 bundles, core/io/tensor_bundle.h), ShardedFilename
// and StringJoin.
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/file_io.h"
#include "core/io/tensor_bundle.h"
#include "core/op_kernel.h"

namespace tg {
namespace {

absl::StatusOr<std::string> ScalarString(const Tensor& t, const char* what) {
  if (t.dtype() != DT_STRING || t.NumElements() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be a scalar string, got ",
                     DataTypeName(t.dtype()), t.shape().DebugString()));
  }
  return t.flat<std::string>()[0];
}

// Checks the (tensor_names, shape_and_slices) pair of SaveV2/RestoreV2.
absl::Status CheckNames(const Tensor& names, const Tensor& slices, int64_t n) {
  if (names.dtype() != DT_STRING || names.shape().rank() != 1 ||
      names.NumElements() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor_names must be a vector of ", n, " strings, got ",
                     DataTypeName(names.dtype()), names.shape().DebugString()));
  }
  if (slices.dtype() != DT_STRING || slices.shape() != names.shape()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "shape_and_slices must have the shape of tensor_names ",
        names.shape().DebugString(), ", got ", slices.shape().DebugString()));
  }
  for (int64_t i = 0; i < n; ++i) {
    if (!slices.flat<std::string>()[i].empty()) {
      return absl::UnimplementedError(
          absl::StrCat("tensor '", names.flat<std::string>()[i],
                       "' is a slice ('", slices.flat<std::string>()[i],
                       "'): partitioned variables are not supported yet"));
    }
  }
  return absl::OkStatus();
}

class SaveV2Cpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(std::string prefix,
                        ScalarString(ctx.input(0), "prefix"));
    const int64_t n = ctx.num_inputs() - 3;
    TG_RETURN_IF_ERROR(CheckNames(ctx.input(1), ctx.input(2), n));
    const std::string dir = Dirname(prefix);
    if (!dir.empty()) TG_RETURN_IF_ERROR(CreateDirectories(dir));
    TG_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create(prefix));
    for (int64_t i = 0; i < n; ++i) {
      TG_RETURN_IF_ERROR(
          writer->Add(ctx.input(1).flat<std::string>()[i], ctx.input(3 + i)));
    }
    return writer->Finish();
  }
};
TG_REGISTER_KERNEL(CpuKernel("SaveV2"), SaveV2Cpu);

class RestoreV2Cpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    dtypes_ = c.output_types();
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(std::string prefix,
                        ScalarString(ctx.input(0), "prefix"));
    const int64_t n = static_cast<int64_t>(dtypes_.size());
    TG_RETURN_IF_ERROR(CheckNames(ctx.input(1), ctx.input(2), n));
    TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(prefix));
    for (int64_t i = 0; i < n; ++i) {
      const std::string& name = ctx.input(1).flat<std::string>()[i];
      TG_ASSIGN_OR_RETURN(Tensor t, reader->Read(name));
      if (t.dtype() != dtypes_[i]) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tensor '", name, "' in checkpoint '", prefix, "' is ",
            DataTypeName(t.dtype()), ", expected ", DataTypeName(dtypes_[i])));
      }
      ctx.set_output(static_cast<int>(i), std::move(t));
    }
    return absl::OkStatus();
  }

 private:
  DataTypeVector dtypes_;
};
TG_REGISTER_KERNEL(CpuKernel("RestoreV2"), RestoreV2Cpu);

class MergeV2CheckpointsCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(delete_old_dirs_, c.GetAttr<bool>("delete_old_dirs"));
    TG_ASSIGN_OR_RETURN(allow_missing_, c.GetAttr<bool>("allow_missing_files"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    const Tensor& prefixes = ctx.input(0);
    if (prefixes.dtype() != DT_STRING || prefixes.shape().rank() > 1) {
      return absl::InvalidArgumentError(
          "checkpoint_prefixes must be a string vector");
    }
    TG_ASSIGN_OR_RETURN(std::string dest,
                        ScalarString(ctx.input(1), "destination_prefix"));
    std::vector<std::string> sources;
    for (const std::string& p : prefixes.flat<std::string>()) {
      if (allow_missing_ && access(BundleIndexPath(p).c_str(), F_OK) != 0) {
        continue;
      }
      sources.push_back(p);
    }
    const std::string dir = Dirname(dest);
    if (!dir.empty()) TG_RETURN_IF_ERROR(CreateDirectories(dir));
    TG_RETURN_IF_ERROR(MergeBundles(sources, dest, /*delete_old=*/true));
    if (delete_old_dirs_) {
      // The per-shard directories (`<prefix>_temp/`) are removed when empty,
      // as TensorFlow's saver expects.
      for (const std::string& p : sources) {
        const std::string d = Dirname(p);
        if (!d.empty() && d != dir) rmdir(d.c_str());
      }
    }
    return absl::OkStatus();
  }

 private:
  bool delete_old_dirs_ = true;
  bool allow_missing_ = false;
};
TG_REGISTER_KERNEL(CpuKernel("MergeV2Checkpoints"), MergeV2CheckpointsCpu);

class ShardedFilenameCpu : public OpKernel {
 public:
  absl::Status Compute(OpKernelContext& ctx) override {
    TG_ASSIGN_OR_RETURN(std::string base,
                        ScalarString(ctx.input(0), "basename"));
    const Tensor& shard = ctx.input(1);
    const Tensor& num = ctx.input(2);
    if (shard.NumElements() != 1 || num.NumElements() != 1) {
      return absl::InvalidArgumentError("shard and num_shards must be scalars");
    }
    Tensor out(DT_STRING, TensorShape());
    out.flat<std::string>()[0] =
        absl::StrFormat("%s-%05d-of-%05d", base, shard.scalar<int32_t>(),
                        num.scalar<int32_t>());
    ctx.set_output(0, std::move(out));
    return absl::OkStatus();
  }
};
TG_REGISTER_KERNEL(CpuKernel("ShardedFilename"), ShardedFilenameCpu);

class StringJoinCpu : public OpKernel {
 public:
  absl::Status Init(OpKernelConstruction& c) override {
    TG_ASSIGN_OR_RETURN(separator_, c.GetAttr<std::string>("separator"));
    return absl::OkStatus();
  }
  absl::Status Compute(OpKernelContext& ctx) override {
    TensorShape shape;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& in = ctx.input(i);
      if (in.shape().rank() == 0) continue;
      if (shape.rank() > 0 && in.shape() != shape) {
        return absl::InvalidArgumentError(absl::StrCat(
            "StringJoin inputs must be scalars or of one shape: ",
            shape.DebugString(), " vs ", in.shape().DebugString()));
      }
      shape = in.shape();
    }
    TG_ASSIGN_OR_RETURN(Tensor out, ctx.allocate_temp(DT_STRING, shape));
    auto o = out.flat<std::string>();
    for (int64_t k = 0; k < out.NumElements(); ++k) {
      for (int i = 0; i < ctx.num_inputs(); ++i) {
        const Tensor& in = ctx.input(i);
        if (i > 0) o[k] += separator_;
        o[k] += in.flat<std::string>()[in.shape().rank() == 0 ? 0 : k];
      }
    }
    ctx.set_output(0, std::move(out));
    return absl::OkStatus();
  }

 private:
  std::string separator_;
};
TG_REGISTER_KERNEL(CpuKernel("StringJoin"), StringJoinCpu);

}  // namespace
}  // namespace tg
