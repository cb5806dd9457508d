#pragma once
// Unicode helpers of the analyzer: UTF-8 repair, ICU case folding, letter-case shape of a token,
// and the precomputed per-code-point tables that drive the Latin fast path.

#include "analysis/detail/buffer.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace crossnews::detail {

/// Word-break class of a code point as the fast scanner needs it: the UAX #29 classes that occur in
/// Latin text, as ICU's root word rules use them (ICU drops ':' from MidLetter and treats '@' as a
/// letter). `slow` marks code points the fast scanner leaves to ICU (marks, format characters,
/// letters whose folding leaves the Latin range, every other script).
enum class BreakClass : std::uint8_t {
  slow,
  space,  ///< ASCII whitespace: always a word boundary, so the scanner may hand ICU a chunk from
          ///< here
  separator,
  letter,
  digit,
  extend_num_let,
  mid_letter,
  mid_num,
  mid_num_let,
};

inline constexpr std::uint8_t kUpperFlag = 1;
inline constexpr std::uint8_t kLetterFlag = 2;

struct CodePointInfo {
  BreakClass cls = BreakClass::slow;
  std::uint8_t flags = 0;
  std::uint8_t fold_len = 0;
  std::uint8_t ascii_len = 0;
  std::array<char, 6> fold{};   ///< NFKC_Casefold of the code point, UTF-8
  std::array<char, 6> ascii{};  ///< Latin-ASCII transliteration of the code point, UTF-8
};

/// Tables for U+0000..U+017F (ASCII, Latin-1, Latin Extended-A), U+2000..U+206F (general
/// punctuation: typographic quotes, dashes, spaces) and U+20AC (euro sign). Built once from ICU's
/// own properties, folding and transliteration, so the fast path cannot drift from the ICU path.
class LatinTables {
 public:
  static const LatinTables& instance();

  [[nodiscard]] const CodePointInfo& info(char32_t cp) const {
    if (cp < kLatinEnd) return latin_[cp];
    if (cp >= kPunctBegin && cp < kPunctEnd) return punct_[cp - kPunctBegin];
    if (cp == kEuro) return euro_;
    return slow_;
  }

  /// For a byte that is by itself a word character and folds to itself lowercased (an ASCII
  /// letter, digit or '_'): its break class in bits 4-5 (1 letter, 2 digit, 3 connector) and
  /// kLetterFlag, kUpperFlag in bits 0-1; zero for every other byte ('@' included, which the
  /// tokenizer's general path handles).
  [[nodiscard]] std::uint8_t ascii_word(unsigned char byte) const { return ascii_word_[byte]; }

  /// True for an ASCII byte that can neither continue nor join a word: whitespace and the
  /// punctuation that is neither a UAX #29 joiner (. , ; ') nor a word character ('_', '@').
  [[nodiscard]] bool ends_word(unsigned char byte) const {
    return byte < 0x80 &&
           (latin_[byte].cls == BreakClass::space || latin_[byte].cls == BreakClass::separator);
  }

  /// The same bytes as counters to add up over a run of them: kLetterUnit per letter, kUpperUnit
  /// per uppercase letter, kDigitUnit per digit, and kWordMark so that every word byte is non-zero.
  /// Zero for every other byte. Summing a run of at most kMaxPackedRun bytes cannot overflow.
  [[nodiscard]] std::uint64_t ascii_packed(unsigned char byte) const { return ascii_packed_[byte]; }
  static constexpr std::uint64_t kLetterUnit = 1;
  static constexpr std::uint64_t kUpperUnit = std::uint64_t{1} << 21;
  static constexpr std::uint64_t kDigitUnit = std::uint64_t{1} << 42;
  static constexpr std::uint64_t kWordMark = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kUnitMask = (std::uint64_t{1} << 21) - 1;
  static constexpr std::size_t kMaxPackedRun = std::size_t{1} << 20;

  /// Decodes the code point at `s` (valid UTF-8) into its info; `len` receives its byte length.
  [[nodiscard]] const CodePointInfo& decode(const unsigned char* s, std::size_t& len) const {
    const unsigned lead = s[0];
    if (lead < 0x80) {
      len = 1;
      return latin_[lead];
    }
    if (lead < 0xE0) {
      len = 2;
      const char32_t cp = ((lead & 0x1Fu) << 6) | (s[1] & 0x3Fu);
      return cp < kLatinEnd ? latin_[cp] : slow_;
    }
    if (lead < 0xF0) {
      len = 3;
      if (lead != 0xE2) return slow_;
      return info(((lead & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
    }
    len = 4;
    return slow_;
  }

 private:
  LatinTables();
  static constexpr char32_t kLatinEnd = 0x180;
  static constexpr char32_t kPunctBegin = 0x2000;
  static constexpr char32_t kPunctEnd = 0x2070;
  static constexpr char32_t kEuro = 0x20AC;
  std::array<CodePointInfo, kLatinEnd> latin_{};
  std::array<CodePointInfo, kPunctEnd - kPunctBegin> punct_{};
  CodePointInfo euro_{};
  CodePointInfo slow_{};
  std::array<std::uint8_t, 256> ascii_word_{};
  std::array<std::uint64_t, 256> ascii_packed_{};
};

/// Letter-case shape of a token, from its surface form.
struct Shape {
  std::uint32_t letters = 0;
  std::uint32_t upper = 0;
  bool first_upper = false;  ///< the first letter is upper- or titlecase
  bool has_digit = false;

  void add(bool is_letter, bool is_upper, bool is_digit) {
    if (letters == 0 && is_letter) first_upper = is_upper;
    letters += is_letter ? 1 : 0;
    upper += is_upper ? 1 : 0;
    has_digit = has_digit || is_digit;
  }
};

/// Shape of a valid UTF-8 surface form, from ICU character properties (the same ones the fast
/// tables were built from).
[[nodiscard]] Shape shape_of(std::string_view surface);

/// True when the code point is a letter or a number (general categories L*, N*): the segments
/// that become tokens.
[[nodiscard]] bool is_word_char(char32_t cp);

/// Returns `in` when it is valid UTF-8 without NUL bytes; otherwise writes into `scratch` a copy
/// with each invalid sequence replaced by U+FFFD and each NUL by a space, and returns that.
[[nodiscard]] std::string_view repair_utf8(std::string_view in, std::string& scratch);

/// Appends the NFKC_Casefold form of valid UTF-8 `in` to `out` (ICU semantics).
void fold_append(std::string_view in, ByteBuffer& out);

/// Rewrites ’ and ‘ (which join words like the apostrophe does) as ' in place; returns the new
/// length.
std::size_t normalize_apostrophes(char* s, std::size_t n);

/// NFKC_Casefold of `in` (repaired first when it is not valid UTF-8), apostrophes normalised.
[[nodiscard]] std::string fold_word(std::string_view in);

/// Number of code points in valid UTF-8 `s`.
[[nodiscard]] inline std::size_t code_points(std::string_view s) {
  std::size_t count = 0;
  for (const char c : s) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace crossnews::detail
