#pragma once
// The project's data files (stopwords, word lists, the news lexicon) compiled into the library.

#include <optional>
#include <span>
#include <string_view>

namespace crossnews::detail {

struct EmbeddedFile {
  std::string_view path;  // relative to data/, e.g. "stopwords/de.txt"
  std::string_view content;
};

std::span<const EmbeddedFile> embedded_files();

inline std::optional<std::string_view> embedded_file(std::string_view path) {
  for (const auto& file : embedded_files()) {
    if (file.path == path) return file.content;
  }
  return std::nullopt;
}

}  // namespace crossnews::detail
