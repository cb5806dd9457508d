#pragma once
// Language codes, CLD2 language detection, Snowball stemmers, elision lists and word-list files:
// the language-specific resources of the analyzer.

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sb_stemmer;

namespace crossnews::detail {

/// Lowercase ISO 639-1 code for a language tag ("DE", "de-DE", "de_AT", "deu" -> "de"), or ""
/// when the tag is not a plausible language code.
[[nodiscard]] std::string normalize_language(std::string_view tag);

/// Bytes of text that language detection reads. CLD2 runs at a few tens of MB/s, slower than the
/// rest of the analysis, and a few kilobytes of news text already give it a reliable verdict.
inline constexpr std::size_t kDetectPrefixBytes = 2048;

/// ISO 639-1 code of the language of valid UTF-8 `text` (its first kDetectPrefixBytes) according
/// to CLD2, or "" when CLD2 does not find a reliable answer.
[[nodiscard]] std::string detect_language(std::string_view text);

/// Articles and prepositions that a language elides with an apostrophe glued to the next word
/// ("dell'azienda", "qu'il"), folded; empty for languages that do not.
[[nodiscard]] std::span<const std::string_view> elisions(std::string_view lang);

/// ISO 639-1 codes of the languages libstemmer has an algorithm for, sorted.
[[nodiscard]] const std::vector<std::string>& stemmer_languages();

/// One Snowball stemmer (libstemmer keeps its working state inside it: one per thread).
class Stemmer {
 public:
  Stemmer() = default;
  /// An empty stemmer (operator bool false) when libstemmer has no algorithm for `lang`.
  explicit Stemmer(std::string_view lang);
  ~Stemmer();
  Stemmer(Stemmer&& other) noexcept;
  Stemmer& operator=(Stemmer&& other) noexcept;

  explicit operator bool() const { return stemmer_ != nullptr; }
  /// Stem of lowercase UTF-8 `word`; valid until the next call. Returns `word` itself when the
  /// stemmer is empty or fails.
  [[nodiscard]] std::string_view stem(std::string_view word);

 private:
  sb_stemmer* stemmer_ = nullptr;
};

/// Transparent hashing so that sets of std::string are probed with std::string_view without a
/// copy (Debian's Abseil has its own string_view, which its default string hash expects).
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};
struct StringViewEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};

using WordSet = absl::flat_hash_set<std::string, StringViewHash, StringViewEq>;

/// Adds the words of a word-list file (one per line; '#' starts a comment) to `set`, folded like
/// analysed text.
void add_word_list(std::string_view content, WordSet& set);

}  // namespace crossnews::detail
