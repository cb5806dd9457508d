#pragma once
// Helpers shared by the reader's test files (scratch files: tests/support.hpp).

#include "io/detail/utf8.hpp"
#include "support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace io_test {

namespace fs = std::filesystem;

const std::string kData = std::string(CROSSNEWS_TEST_DATA_DIR) + "/io/";

using crossnews::test::contains;
using crossnews::test::read_file;
using crossnews::test::TempDir;
using crossnews::test::write_file;

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

}  // namespace io_test
