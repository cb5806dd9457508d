#pragma once
// Helpers shared by the reader's test files.

#include "io/detail/utf8.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace io_test {

namespace fs = std::filesystem;

const std::string kData = std::string(CROSSNEWS_TEST_DATA_DIR) + "/io/";

/// A fresh directory under the system temp dir, removed with the object.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("crossnews_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

inline void write_file(const std::string& path, std::string_view content) {
  std::ofstream(path, std::ios::binary).write(content.data(), std::streamsize(content.size()));
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Records as the reader counts them: one per line end ('\n', or '\r' if the first line end is a
/// lone '\r'), plus a final line without one; UTF-16/32 text is one record.
inline std::size_t count_lines(std::string_view content) {
  if (!crossnews::detail::wide_encoding(content).empty()) return 1;
  const std::size_t first = content.find_first_of("\r\n");
  const bool lone_cr = first != std::string_view::npos && content[first] == '\r' &&
                       (first + 1 == content.size() || content[first + 1] != '\n');
  const char line_end = lone_cr ? '\r' : '\n';
  const auto ends = std::size_t(std::count(content.begin(), content.end(), line_end));
  return ends + (!content.empty() && content.back() != line_end ? 1 : 0);
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace io_test
