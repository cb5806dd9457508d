#pragma once
// Parsing one FreeDict entry body into a headword and its translations (see freedict.hpp for the
// layouts it understands).

#include <crossnews/freedict.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace crossnews::detail {

class EntryParser {
 public:
  explicit EntryParser(std::size_t max_words) : max_words_(max_words) {}

  /// `index_headword` is used when the body has no headword line of its own.
  [[nodiscard]] DictEntry parse(std::string_view body, std::string_view index_headword) const;

 private:
  void add_translations(std::string_view line, DictEntry& entry,
                        std::vector<std::string>& marked) const;
  [[nodiscard]] bool fits(const std::string& phrase) const;

  std::size_t max_words_;
};

}  // namespace crossnews::detail
