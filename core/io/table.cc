#include "core/io/table.h"

#include <snappy.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "core/allocator.h"
#include "core/io/coding.h"
#include "core/io/crc32c.h"
#include "core/status.h"

namespace tg {
namespace {

constexpr uint64_t kTableMagic = 0xdb4775248b80fb57ull;
constexpr size_t kFooterSize = 48;
constexpr size_t kTrailerSize = 5;  // Compression type + masked CRC.
constexpr int kRestartInterval = 16;
enum : char { kNoCompression = 0, kSnappyCompression = 1 };

void AppendEntry(std::string* block, absl::string_view last_key,
                 absl::string_view key, absl::string_view value, bool restart) {
  size_t shared = 0;
  if (!restart) {
    while (shared < last_key.size() && shared < key.size() &&
           last_key[shared] == key[shared]) {
      ++shared;
    }
  }
  coding::PutVarint64(block, shared);
  coding::PutVarint64(block, key.size() - shared);
  coding::PutVarint64(block, value.size());
  block->append(key.data() + shared, key.size() - shared);
  block->append(value.data(), value.size());
}

void FinishBlock(std::string* block, const std::vector<uint32_t>& restarts) {
  for (uint32_t r : restarts) coding::PutFixed32(block, r);
  coding::PutFixed32(block, static_cast<uint32_t>(restarts.size()));
}

// Appends `block` and its trailer to `file`; returns the encoded handle.
std::string WriteBlock(std::string* file, const std::string& block) {
  std::string handle;
  coding::PutVarint64(&handle, file->size());
  coding::PutVarint64(&handle, block.size());
  file->append(block);
  const char type = kNoCompression;
  uint32_t crc = crc32c::Value(block);
  crc = crc32c::Extend(crc, &type, 1);
  file->push_back(type);
  coding::PutFixed32(file, crc32c::Mask(crc));
  return handle;
}

}  // namespace

absl::Status TableBuilder::Add(absl::string_view key, absl::string_view value) {
  if (has_key_ && key <= last_key_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table keys out of order: '", key, "' after '", last_key_, "'"));
  }
  const bool restart = entries_since_restart_ == kRestartInterval;
  if (restart) {
    restarts_.push_back(static_cast<uint32_t>(block_.size()));
    entries_since_restart_ = 0;
  }
  AppendEntry(&block_, last_key_, key, value, restart || block_.empty());
  ++entries_since_restart_;
  last_key_.assign(key.data(), key.size());
  has_key_ = true;
  if (block_.size() >= block_size_) FlushBlock();
  return absl::OkStatus();
}

void TableBuilder::FlushBlock() {
  if (block_.empty()) return;
  FinishBlock(&block_, restarts_);
  const std::string handle = WriteBlock(&file_, block_);
  // The last key of the block separates it from the next one: keys are
  // strictly increasing, so it is >= every key here and < every key after.
  index_restarts_.push_back(static_cast<uint32_t>(index_.size()));
  AppendEntry(&index_, "", last_key_, handle, /*restart=*/true);
  block_.clear();
  restarts_.assign(1, 0);
  entries_since_restart_ = 0;
}

std::string TableBuilder::Finish() {
  FlushBlock();
  std::string meta;
  FinishBlock(&meta, {0});
  const std::string meta_handle = WriteBlock(&file_, meta);
  if (index_restarts_.empty()) index_restarts_.push_back(0);
  FinishBlock(&index_, index_restarts_);
  const std::string index_handle = WriteBlock(&file_, index_);
  std::string footer = meta_handle + index_handle;
  footer.resize(40, '\0');
  coding::PutFixed32(&footer, static_cast<uint32_t>(kTableMagic));
  coding::PutFixed32(&footer, static_cast<uint32_t>(kTableMagic >> 32));
  file_ += footer;
  return std::move(file_);
}

namespace {

struct Handle {
  uint64_t offset = 0, size = 0;
};

absl::StatusOr<Handle> DecodeHandle(absl::string_view* in,
                                    const std::string& what) {
  Handle h;
  if (!coding::GetVarint64(in, &h.offset) ||
      !coding::GetVarint64(in, &h.size)) {
    return absl::DataLossError(absl::StrCat("bad block handle in ", what));
  }
  return h;
}

// The contents of the block at `h` (uncompressed), its CRC checked.
absl::StatusOr<std::string> ReadBlock(absl::string_view file, const Handle& h,
                                      const std::string& name) {
  if (h.offset > file.size() || h.size > file.size() - h.offset ||
      file.size() - h.offset - h.size < kTrailerSize) {
    return absl::DataLossError(absl::StrCat(
        "'", name, "': block at offset ", h.offset, " (", h.size,
        " bytes) lies outside the file (", file.size(), " bytes): truncated?"));
  }
  absl::string_view raw = file.substr(h.offset, h.size);
  const char type = file[h.offset + h.size];
  uint32_t crc = crc32c::Value(raw);
  crc = crc32c::Extend(crc, &type, 1);
  const uint32_t stored = crc32c::Unmask(
      coding::DecodeFixed32(file.data() + h.offset + h.size + 1));
  if (!crc32c::CrcMatches(stored, crc)) {
    return absl::DataLossError(absl::StrCat("'", name, "': block at offset ",
                                            h.offset,
                                            " is corrupted (CRC mismatch)"));
  }
  if (type == kNoCompression) return std::string(raw);
  if (type == kSnappyCompression) {
    const auto bad_snappy = [&] {
      return absl::DataLossError(absl::StrCat(
          "'", name, "': bad Snappy data in block at offset ", h.offset));
    };
    // The uncompressed length is declared by the block itself: the whole
    // block is validated (without allocating) and the length checked
    // against the memory limit before anything is allocated for it.
    size_t length = 0;
    if (!snappy::IsValidCompressedBuffer(raw.data(), raw.size()) ||
        !snappy::GetUncompressedLength(raw.data(), raw.size(), &length)) {
      return bad_snappy();
    }
    if (length > static_cast<uint64_t>(DefaultMemoryLimitBytes())) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "'", name, "': block at offset ", h.offset, " declares ", length,
          " uncompressed bytes, more than the memory limit of ",
          HumanBytes(DefaultMemoryLimitBytes())));
    }
    std::string out;
    if (!snappy::Uncompress(raw.data(), raw.size(), &out)) return bad_snappy();
    return out;
  }
  return absl::DataLossError(absl::StrCat("'", name, "': block at offset ",
                                          h.offset, " has unknown compression ",
                                          static_cast<int>(type)));
}

// Calls fn(key, value) for each entry of a block, in order.
template <typename Fn>
absl::Status ForEachEntry(absl::string_view block, const std::string& what,
                          Fn fn) {
  const auto corrupt = [&](const char* why) {
    return absl::DataLossError(absl::StrCat(what, ": ", why));
  };
  if (block.size() < 4) return corrupt("block too short");
  const uint32_t num_restarts =
      coding::DecodeFixed32(block.data() + block.size() - 4);
  if (num_restarts > (block.size() - 4) / 4)
    return corrupt("bad restart count");
  absl::string_view in = block.substr(0, block.size() - 4 - 4 * num_restarts);
  std::string key;
  while (!in.empty()) {
    uint32_t shared, unshared, value_len;
    if (!coding::GetVarint32(&in, &shared) ||
        !coding::GetVarint32(&in, &unshared) ||
        !coding::GetVarint32(&in, &value_len) || shared > key.size() ||
        in.size() < static_cast<uint64_t>(unshared) + value_len) {
      return corrupt("bad entry");
    }
    key.resize(shared);
    key.append(in.data(), unshared);
    in.remove_prefix(unshared);
    TG_RETURN_IF_ERROR(fn(key, in.substr(0, value_len)));
    in.remove_prefix(value_len);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> ReadTable(
    absl::string_view contents, const std::string& name) {
  if (contents.size() < kFooterSize) {
    return absl::DataLossError(
        absl::StrCat("'", name, "' is too short to be a table (",
                     contents.size(), " bytes): truncated?"));
  }
  const char* footer = contents.data() + contents.size() - kFooterSize;
  const uint64_t magic = coding::DecodeFixed64(footer + 40);
  if (magic != kTableMagic) {
    return absl::DataLossError(
        absl::StrCat("'", name,
                     "' is not a checkpoint index (bad magic number): "
                     "truncated or not a table"));
  }
  absl::string_view handles(footer, 40);
  const std::string what = absl::StrCat("'", name, "' footer");
  TG_ASSIGN_OR_RETURN(Handle meta, DecodeHandle(&handles, what));
  (void)meta;  // Filter blocks are not used by checkpoints.
  TG_ASSIGN_OR_RETURN(Handle index_handle, DecodeHandle(&handles, what));
  TG_ASSIGN_OR_RETURN(std::string index,
                      ReadBlock(contents, index_handle, name));
  std::map<std::string, std::string> table;
  std::string last_key;
  bool first = true;
  TG_RETURN_IF_ERROR(ForEachEntry(
      index, absl::StrCat("'", name, "' index block"),
      [&](const std::string&, absl::string_view value) -> absl::Status {
        TG_ASSIGN_OR_RETURN(
            Handle h, DecodeHandle(&value, absl::StrCat("'", name, "' index")));
        TG_ASSIGN_OR_RETURN(std::string block, ReadBlock(contents, h, name));
        return ForEachEntry(
            block, absl::StrCat("'", name, "' block at offset ", h.offset),
            [&](const std::string& key, absl::string_view v) -> absl::Status {
              if (!first && key <= last_key) {
                return absl::DataLossError(absl::StrCat(
                    "'", name, "': keys out of order at '", key, "'"));
              }
              first = false;
              last_key = key;
              table.emplace(key, std::string(v));
              return absl::OkStatus();
            });
      }));
  return table;
}

}  // namespace tg
