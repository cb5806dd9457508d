#pragma once
// Word segmentation with Unicode word-break semantics (UAX #29 as ICU implements it), producing
// folded tokens. Latin-script text goes through a table-driven byte scanner; any whitespace-
// delimited chunk holding a code point outside the tables goes to ICU's dictionary-based
// BreakIterator, so Chinese, Japanese and Thai are segmented as well.

#include <crossnews/analyzer.hpp>

#include "analysis/detail/buffer.hpp"
#include "analysis/detail/unicode.hpp"

#include <unicode/uversion.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct UText;
U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace crossnews::detail {

/// What separates a token from the previous token of its field.
enum class Gap : std::uint8_t {
  sentence,  ///< start of the field, or in between a sentence end (. ! ? …), a line break, or a
             ///< mark that may open a capitalised clause (: – — quotation marks)
  space,     ///< whitespace only: the tokens may belong to one multi-word name
  hyphen,    ///< exactly one hyphen: parts of a hyphenated compound
  punct,     ///< any other punctuation (comma, bracket, slash)
};

struct RawToken {
  std::uint32_t raw_begin = 0;  ///< byte range of the surface form in the field's text
  std::uint32_t raw_end = 0;
  std::uint32_t fold_begin = 0;  ///< byte range of the folded form in the fold arena
  std::uint32_t fold_len = 0;
  Shape shape;
  Field field = Field::body;
  Gap gap = Gap::sentence;
  bool plain = false;  ///< ASCII without apostrophe or '@': no elision or '@' to handle
};

/// Per-thread segmenter (owns an ICU BreakIterator). Input must be valid UTF-8 shorter than 2 GiB.
class Tokenizer {
 public:
  /// `latin_fast_path` false sends all text through ICU (same tokens, slower).
  explicit Tokenizer(bool latin_fast_path);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  /// Appends the word tokens of `text` (letters or digits; punctuation and spaces dropped) to
  /// `tokens`, their NFKC_Casefold forms to `arena`, and sets each token's Gap.
  void tokenize(std::string_view text, Field field, std::vector<RawToken>& tokens,
                ByteBuffer& arena);

 private:
  enum class Scan : std::uint8_t { done, slow };
  /// Where a token starts, and its state after the part of it already scanned.
  struct TokenStart {
    std::size_t begin = 0;
    std::size_t fold_begin = 0;
    Shape shape;
    BreakClass last = BreakClass::slow;  ///< class of the last code point scanned
  };
  Scan scan_token(std::string_view text, const TokenStart& start, std::size_t& cursor, Field field,
                  std::vector<RawToken>& tokens, ByteBuffer& arena) const;
  void slow_chunk(std::string_view text, std::size_t& chunk, std::size_t& pos, Field field,
                  std::vector<RawToken>& tokens, ByteBuffer& arena, std::size_t& chunk_tokens,
                  std::size_t& chunk_arena);
  void scan_fast(std::string_view text, Field field, std::vector<RawToken>& tokens,
                 ByteBuffer& arena);
  void scan_icu(std::string_view text, std::size_t begin, std::size_t end, Field field,
                std::vector<RawToken>& tokens, ByteBuffer& arena);
  [[nodiscard]] std::size_t slow_region_end(std::string_view text, std::size_t pos) const;

  bool fast_;
  const LatinTables& tables_;
  std::unique_ptr<icu::BreakIterator> words_;
  UText* utext_ = nullptr;
};

}  // namespace crossnews::detail
