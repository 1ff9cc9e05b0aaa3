// Checkpoints in TensorFlow's V2 "tensor bundle" format, for a prefix P:
//   P.index                  a table (core/io/table.h): "" ->
//   BundleHeaderProto,
//                            tensor name -> BundleEntryProto
//   P.data-00000-of-00001    the tensors' bytes back to back
// A checkpoint written here restores in TensorFlow, and TensorFlow's restore
// here, through the same reader.
#ifndef TG_CORE_IO_TENSOR_BUNDLE_H_
#define TG_CORE_IO_TENSOR_BUNDLE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "core/file_io.h"
#include "core/tensor.h"
#include "proto/tensor_bundle.pb.h"

namespace tg {

using ::tensorgraph::BundleEntryProto;
using ::tensorgraph::BundleHeaderProto;

std::string BundleIndexPath(const std::string& prefix);
std::string BundleDataPath(const std::string& prefix, int shard,
                           int num_shards);

// Writes one single-shard bundle. Both files go to temporary names and are
// renamed by Finish(): data first, then the index, so a reader never finds a
// new index without its data. Destroying an unfinished writer removes them.
class BundleWriter {
 public:
  static absl::StatusOr<std::unique_ptr<BundleWriter>> Create(
      const std::string& prefix);

  // Names must be unique and non-empty; numeric, bool and string tensors.
  absl::Status Add(const std::string& name, const Tensor& tensor);
  absl::Status Finish();

 private:
  BundleWriter() = default;
  std::string prefix_;
  std::unique_ptr<AtomicFileWriter> data_;
  std::map<std::string, BundleEntryProto> entries_;
};

// Reads a bundle's index once; tensors are read on request with their size
// and CRC checked.
class BundleReader {
 public:
  static absl::StatusOr<std::unique_ptr<BundleReader>> Open(
      const std::string& prefix);

  bool Contains(const std::string& name) const {
    return entries_.count(name) > 0;
  }
  // NotFound naming the tensor and the checkpoint when absent.
  absl::StatusOr<const BundleEntryProto*> Entry(const std::string& name) const;
  absl::StatusOr<Tensor> Read(const std::string& name) const;
  // Tensor names in key order.
  std::vector<std::string> Names() const;
  const BundleHeaderProto& header() const { return header_; }

 private:
  BundleReader() = default;
  std::string prefix_;
  BundleHeaderProto header_;
  std::map<std::string, BundleEntryProto> entries_;
};

// Merges single-shard bundles (as SaveV2 writes them per device) into one at
// `dest`, then deletes the inputs when `delete_old` is set.
absl::Status MergeBundles(const std::vector<std::string>& prefixes,
                          const std::string& dest, bool delete_old);

}  // namespace tg

#endif  // TG_CORE_IO_TENSOR_BUNDLE_H_
