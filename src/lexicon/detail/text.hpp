#pragma once
// Small text helpers of the keyword map: stable string storage, language codes, and the spelling
// comparison behind cognate detection.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

/// Append-only string storage whose views stay valid for its lifetime, also across moves.
class StringPool {
 public:
  std::string_view add(std::string_view text);

 private:
  static constexpr std::size_t kBlockSize = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  std::size_t used_ = kBlockSize;  // bytes used in the last block; full until one exists
};

struct LanguageCode {
  std::string_view iso639_3;  ///< as in FreeDict file names, e.g. "deu"
  std::string_view iso639_1;  ///< as in articles and lexicon files, e.g. "de"
};

/// The languages the keyword map accepts (FreeDict's languages with an ISO 639-1 code).
std::span<const LanguageCode> language_codes();
bool is_language_code(std::string_view iso639_1);

/// Lower-cased code points with Latin diacritics removed ("Präsident" -> "prasident",
/// "ß" -> "ss"), for spelling comparison across languages. Invalid UTF-8 becomes U+FFFD.
void fold_for_matching(std::string_view utf8, std::u32string& out);

/// Levenshtein distance of `a` and `b` if it is at most `limit`, otherwise limit + 1.
std::size_t bounded_levenshtein(std::u32string_view a, std::u32string_view b, std::size_t limit);

}  // namespace crossnews::detail
