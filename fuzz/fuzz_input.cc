#include "fuzz/fuzz_input.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <system_error>

#include "core/allocator.h"

namespace tg {
namespace fuzz {

int64_t FuzzInput::Range(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  uint64_t v = 0;
  for (uint64_t s = span - 1; s > 0; s >>= 8) v = (v << 8) | Byte();
  return lo + static_cast<int64_t>(v % span);
}

uint64_t FuzzInput::Bits64() {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
  return v;
}

int64_t FuzzInput::InterestingInt() {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const uint8_t kind = Byte();
  if (kind < 200) return static_cast<int64_t>(kind % 9) - 2;  // -2..6
  switch (kind % 12) {
    case 0:
      return kMax;
    case 1:
      return kMin;
    case 2:
      return int64_t{1} << 31;
    case 3:
      return (int64_t{1} << 31) - 1;
    case 4:
      return -(int64_t{1} << 31);
    case 5:
      return int64_t{1} << 32;
    case 6:
      return int64_t{1} << 62;
    case 7:
      return 1000000000000;  // 10^12: a dim no machine holds.
    case 8:
      return -1;
    case 9:
      return Range(0, 1 << 16);
    case 10:
      return -Range(0, 1 << 16);
    default:
      return static_cast<int64_t>(Bits64());
  }
}

double FuzzInput::InterestingDouble() {
  const uint8_t kind = Byte();
  if (kind < 200) return (static_cast<int>(kind) - 100) / 8.0;
  switch (kind % 9) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return -std::numeric_limits<double>::infinity();
    case 3:
      return -0.0;
    case 4:
      return std::numeric_limits<double>::denorm_min();
    case 5:
      return std::numeric_limits<double>::max();
    case 6:
      return std::numeric_limits<double>::lowest();
    case 7:
      return 1e-300;
    default:
      return static_cast<double>(InterestingInt());
  }
}

std::string FuzzInput::String(size_t max_len) {
  const size_t n = static_cast<size_t>(Range(0, max_len));
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(Byte()));
  return s;
}

void EmptyScratchDir() {
  std::error_code ignored;
  for (const auto& entry :
       std::filesystem::directory_iterator(ScratchDir(), ignored)) {
    std::filesystem::remove_all(entry.path(), ignored);
  }
}

namespace {

void RemoveScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(ScratchDir(), ignored);
}

}  // namespace

const std::string& ScratchDir() {
  static const std::string* const dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* d = new std::string(std::string(tmp != nullptr ? tmp : "/tmp") +
                              "/tg_fuzz." + std::to_string(getpid()));
    mkdir(d->c_str(), 0700);
    std::atexit(RemoveScratchDir);
    return d;
  }();
  return *dir;
}

std::string WriteScratchFile(const std::string& name, const uint8_t* data,
                             size_t size) {
  const std::string path = ScratchDir() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f != nullptr) {
    if (size > 0) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

void UseFuzzMemoryLimit() {
  static const bool set = [] {
    SetDefaultMemoryLimitBytes(int64_t{256} << 20);
    return true;
  }();
  (void)set;
}

}  // namespace fuzz
}  // namespace tg
