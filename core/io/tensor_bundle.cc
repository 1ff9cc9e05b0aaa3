#include "core/io/tensor_bundle.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/io/coding.h"
#include "core/io/crc32c.h"
#include "core/io/table.h"
#include "core/status.h"

namespace tg {
namespace {

// Strings: [varint64 length]... [masked CRC of the lengths] [bytes]...
// The lengths' CRC covers each length as a fixed-width little-endian int
// (32 bits, or 64 for a string of 4 GiB or more).
uint32_t ExtendWithLength(uint32_t crc, uint64_t len) {
  std::string fixed;
  if (len <= UINT32_MAX) {
    coding::PutFixed32(&fixed, static_cast<uint32_t>(len));
  } else {
    coding::PutFixed64(&fixed, len);
  }
  return crc32c::Extend(crc, fixed.data(), fixed.size());
}

// The entry's CRC of a string tensor (TensorFlow's): the lengths as fixed
// ints, then the 4 stored bytes of their masked CRC, then the bytes.
std::string EncodeStrings(absl::Span<const std::string> values,
                          uint32_t* entry_crc) {
  std::string out;
  uint32_t crc = 0;
  for (const std::string& s : values) {
    coding::PutVarint64(&out, s.size());
    crc = ExtendWithLength(crc, s.size());
  }
  std::string stored;
  coding::PutFixed32(&stored, crc32c::Mask(crc));
  out += stored;
  crc = crc32c::Extend(crc, stored.data(), stored.size());
  for (const std::string& s : values) {
    out += s;
    crc = crc32c::Extend(crc, s.data(), s.size());
  }
  *entry_crc = crc;
  return out;
}

absl::Status DecodeStrings(absl::string_view in, absl::Span<std::string> out,
                           uint32_t entry_crc, const std::string& what) {
  const auto corrupt = [&](const std::string& why) {
    return absl::DataLossError(absl::StrCat(what, ": ", why));
  };
  std::vector<uint64_t> lengths(out.size());
  uint32_t crc = 0;
  uint64_t total = 0;
  for (uint64_t& len : lengths) {
    if (!coding::GetVarint64(&in, &len)) return corrupt("bad string length");
    crc = ExtendWithLength(crc, len);
    total += len;
  }
  if (in.size() < 4 ||
      !crc32c::CrcMatches(crc32c::Unmask(coding::DecodeFixed32(in.data())),
                          crc)) {
    return corrupt("string lengths corrupted (CRC mismatch)");
  }
  crc = crc32c::Extend(crc, in.data(), 4);
  in.remove_prefix(4);
  if (in.size() != total) return corrupt("string bytes do not add up");
  if (!crc32c::CrcMatches(entry_crc,
                          crc32c::Extend(crc, in.data(), in.size()))) {
    return corrupt("corrupted (CRC mismatch)");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].assign(in.data(), lengths[i]);
    in.remove_prefix(lengths[i]);
  }
  return absl::OkStatus();
}

}  // namespace

std::string BundleIndexPath(const std::string& prefix) {
  return absl::StrCat(prefix, ".index");
}

std::string BundleDataPath(const std::string& prefix, int shard,
                           int num_shards) {
  return absl::StrFormat("%s.data-%05d-of-%05d", prefix, shard, num_shards);
}

absl::StatusOr<std::unique_ptr<BundleWriter>> BundleWriter::Create(
    const std::string& prefix) {
  std::unique_ptr<BundleWriter> w(new BundleWriter);
  w->prefix_ = prefix;
  TG_ASSIGN_OR_RETURN(w->data_,
                      AtomicFileWriter::Open(BundleDataPath(prefix, 0, 1)));
  return w;
}

absl::Status BundleWriter::Add(const std::string& name, const Tensor& tensor) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        "checkpoint tensor names must not be empty");
  }
  if (entries_.count(name) > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tensor '", name, "' added twice to checkpoint '", prefix_, "'"));
  }
  if (!tensor.IsInitialized() || !DataTypeSupported(tensor.dtype())) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot save tensor '", name, "' of type ",
                     DataTypeName(tensor.dtype())));
  }
  TG_RETURN_IF_ERROR(
      tensor.CheckOnHost(absl::StrCat("tensor '", name, "' to save")));
  std::string bytes;
  absl::string_view view;
  uint32_t crc = 0;
  if (tensor.dtype() == DT_STRING) {
    bytes = EncodeStrings(tensor.flat<std::string>(), &crc);
    view = bytes;
  } else {
    view = absl::string_view(static_cast<const char*>(tensor.raw_data()),
                             tensor.TotalBytes());
    crc = crc32c::Value(view);
  }
  BundleEntryProto& e = entries_[name];
  e.set_dtype(tensor.dtype());
  tensor.shape().ToProto(e.mutable_shape());
  e.set_shard_id(0);
  e.set_offset(static_cast<int64_t>(data_->size()));
  e.set_size(static_cast<int64_t>(view.size()));
  e.set_crc32c(crc32c::Mask(crc));
  return data_->Append(view);
}

absl::Status BundleWriter::Finish() {
  if (data_ == nullptr)
    return absl::FailedPreconditionError("already finished");
  TableBuilder table;
  BundleHeaderProto header;
  header.set_num_shards(1);
  header.set_endianness(BundleHeaderProto::LITTLE);
  header.mutable_version()->set_producer(1);
  TG_RETURN_IF_ERROR(table.Add("", header.SerializeAsString()));
  for (const auto& [name, entry] : entries_) {
    TG_RETURN_IF_ERROR(table.Add(name, entry.SerializeAsString()));
  }
  TG_ASSIGN_OR_RETURN(auto index,
                      AtomicFileWriter::Open(BundleIndexPath(prefix_)));
  TG_RETURN_IF_ERROR(index->Append(table.Finish()));
  TG_RETURN_IF_ERROR(data_->Commit());
  data_.reset();
  return index->Commit();
}

absl::StatusOr<std::unique_ptr<BundleReader>> BundleReader::Open(
    const std::string& prefix) {
  const std::string index_path = BundleIndexPath(prefix);
  absl::StatusOr<std::string> contents = ReadFileToString(index_path);
  if (absl::IsNotFound(contents.status())) {
    return absl::NotFoundError(absl::StrCat(
        "no checkpoint at '", prefix, "' ('", index_path, "' does not exist)"));
  }
  TG_RETURN_IF_ERROR(contents.status());
  TG_ASSIGN_OR_RETURN(auto table, ReadTable(*contents, index_path));
  std::unique_ptr<BundleReader> r(new BundleReader);
  r->prefix_ = prefix;
  auto it = table.find("");
  if (it == table.end() || !r->header_.ParseFromString(it->second)) {
    return absl::DataLossError(
        absl::StrCat("'", index_path, "' has no valid checkpoint header"));
  }
  if (r->header_.endianness() != BundleHeaderProto::LITTLE) {
    return absl::UnimplementedError(
        absl::StrCat("'", index_path, "' was written on a big-endian machine"));
  }
  if (r->header_.num_shards() < 1) {
    return absl::DataLossError(absl::StrCat("'", index_path, "': num_shards ",
                                            r->header_.num_shards()));
  }
  if (r->header_.version().min_consumer() > 1) {
    return absl::UnimplementedError(absl::StrCat(
        "'", index_path, "' needs a reader of version ",
        r->header_.version().min_consumer(), " (this one is version 1)"));
  }
  for (auto& [key, value] : table) {
    if (key.empty()) continue;
    BundleEntryProto entry;
    if (!entry.ParseFromString(value)) {
      return absl::DataLossError(absl::StrCat(
          "'", index_path, "': entry of tensor '", key, "' is corrupted"));
    }
    r->entries_.emplace(key, std::move(entry));
  }
  return r;
}

absl::StatusOr<const BundleEntryProto*> BundleReader::Entry(
    const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "tensor '", name, "' is not in checkpoint '", prefix_, "'"));
  }
  return &it->second;
}

std::vector<std::string> BundleReader::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

absl::StatusOr<Tensor> BundleReader::Read(const std::string& name) const {
  TG_ASSIGN_OR_RETURN(const BundleEntryProto* e, Entry(name));
  const std::string what =
      absl::StrCat("checkpoint '", prefix_, "', tensor '", name, "'");
  if (e->slices_size() > 0) {
    return absl::UnimplementedError(
        absl::StrCat(what, " is partitioned into slices, not supported yet"));
  }
  if (!DataTypeSupported(e->dtype())) {
    return absl::UnimplementedError(
        absl::StrCat(what, " has unsupported type ", DataTypeName(e->dtype())));
  }
  absl::StatusOr<TensorShape> shape = TensorShape::FromProto(e->shape());
  if (!shape.ok()) {
    return absl::DataLossError(
        absl::StrCat(what, ": bad shape: ", shape.status().message()));
  }
  if (e->shard_id() < 0 || e->shard_id() >= header_.num_shards() ||
      e->offset() < 0 || e->size() < 0) {
    return absl::DataLossError(
        absl::StrCat(what, ": bad location (shard ", e->shard_id(), ", offset ",
                     e->offset(), ", size ", e->size(), ")"));
  }
  const bool is_string = e->dtype() == DT_STRING;
  if (!is_string && static_cast<uint64_t>(e->size()) !=
                        static_cast<uint64_t>(shape->num_elements()) *
                            DataTypeSize(e->dtype())) {
    return absl::DataLossError(absl::StrCat(
        what, ": ", e->size(), " bytes stored for a ", DataTypeName(e->dtype()),
        " tensor of shape ", shape->DebugString()));
  }
  TG_ASSIGN_OR_RETURN(std::string bytes,
                      ReadFileRange(BundleDataPath(prefix_, e->shard_id(),
                                                   header_.num_shards()),
                                    e->offset(), e->size()));
  // A string tensor's CRC is not over its stored bytes (DecodeStrings).
  if (!is_string &&
      !crc32c::CrcMatches(crc32c::Unmask(e->crc32c()), crc32c::Value(bytes))) {
    return absl::DataLossError(
        absl::StrCat(what, " is corrupted (CRC mismatch)"));
  }
  if (is_string &&
      static_cast<uint64_t>(shape->num_elements()) > bytes.size()) {
    return absl::DataLossError(absl::StrCat(what, ": too few bytes for ",
                                            shape->num_elements(), " strings"));
  }
  Tensor t(e->dtype(), *shape);
  if (is_string) {
    TG_RETURN_IF_ERROR(DecodeStrings(bytes, t.flat<std::string>(),
                                     crc32c::Unmask(e->crc32c()), what));
  } else if (!bytes.empty()) {
    std::memcpy(t.raw_data(), bytes.data(), bytes.size());
  }
  return t;
}

absl::Status MergeBundles(const std::vector<std::string>& prefixes,
                          const std::string& dest, bool delete_old) {
  TG_ASSIGN_OR_RETURN(auto writer, BundleWriter::Create(dest));
  for (const std::string& p : prefixes) {
    TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(p));
    for (const std::string& name : reader->Names()) {
      TG_ASSIGN_OR_RETURN(Tensor t, reader->Read(name));
      TG_RETURN_IF_ERROR(writer->Add(name, t));
    }
  }
  TG_RETURN_IF_ERROR(writer->Finish());
  if (delete_old) {
    for (const std::string& p : prefixes) {
      if (p == dest) continue;
      TG_ASSIGN_OR_RETURN(auto reader, BundleReader::Open(p));
      for (int s = 0; s < reader->header().num_shards(); ++s) {
        std::remove(
            BundleDataPath(p, s, reader->header().num_shards()).c_str());
      }
      std::remove(BundleIndexPath(p).c_str());
    }
  }
  return absl::OkStatus();
}

}  // namespace tg
