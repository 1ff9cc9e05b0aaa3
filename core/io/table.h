// The sorted string table of a checkpoint's `.index` file (LevelDB's table
// format without filter blocks): data blocks of prefix-compressed entries
// with restart points, each followed by a compression byte and a masked
// CRC32C; an (empty) metaindex block; an index block; a 48-byte footer
// ending in a magic number.
#ifndef TG_CORE_IO_TABLE_H_
#define TG_CORE_IO_TABLE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tg {

// Builds a table in memory. Keys must be added in strictly increasing
// bytewise order.
class TableBuilder {
 public:
  explicit TableBuilder(size_t block_size = 256 * 1024)
      : block_size_(block_size) {}
  absl::Status Add(absl::string_view key, absl::string_view value);
  // The file's bytes. The builder is spent afterwards.
  std::string Finish();

 private:
  void FlushBlock();
  size_t block_size_;
  std::string file_;
  std::string block_;
  std::string index_;  // Entries of the index block, restart interval 1.
  std::vector<uint32_t> index_restarts_;
  std::vector<uint32_t> restarts_{0};
  int entries_since_restart_ = 0;
  std::string last_key_;
  bool has_key_ = false;
};

// Parses a whole table, checking the footer and every block's CRC. Snappy
// blocks (written by other tools) are accepted. `name` labels errors.
absl::StatusOr<std::map<std::string, std::string>> ReadTable(
    absl::string_view contents, const std::string& name);

}  // namespace tg

#endif  // TG_CORE_IO_TABLE_H_
