#include "analysis/detail/language.hpp"

#include "analysis/detail/unicode.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include <cld2/public/compact_lang_det.h>
#include <libstemmer.h>

namespace crossnews::detail {
namespace {

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z'); }

// ISO 639-2 codes that feeds use instead of ISO 639-1, and the obsolete codes CLD2 still reports.
constexpr std::array<std::pair<std::string_view, std::string_view>, 30> kCodeAliases{{
    {"deu", "de"}, {"ger", "de"}, {"ita", "it"}, {"eng", "en"}, {"spa", "es"}, {"fra", "fr"},
    {"fre", "fr"}, {"por", "pt"}, {"nld", "nl"}, {"dut", "nl"}, {"rus", "ru"}, {"pol", "pl"},
    {"swe", "sv"}, {"dan", "da"}, {"fin", "fi"}, {"nor", "no"}, {"tur", "tr"}, {"ell", "el"},
    {"gre", "el"}, {"ces", "cs"}, {"cze", "cs"}, {"ron", "ro"}, {"rum", "ro"}, {"hun", "hu"},
    {"cat", "ca"}, {"zho", "zh"}, {"chi", "zh"}, {"jpn", "ja"}, {"ukr", "uk"}, {"iw", "he"},
}};

constexpr std::array<std::string_view, 28> kItalianElisions{
    "l",     "un",    "d",    "dell",   "all",   "dall",    "nell",    "sull", "coll", "pell",
    "quell", "quest", "bell", "buon",   "sant",  "c",       "m",       "t",    "s",    "v",
    "n",     "gl",    "tutt", "nessun", "alcun", "ciascun", "qualcun", "senz"};
constexpr std::array<std::string_view, 15> kFrenchElisions{
    "l",  "d",     "j",      "n",      "s",      "c",      "t",     "m",
    "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"};
constexpr std::array<std::string_view, 6> kCatalanElisions{"l", "d", "n", "s", "m", "t"};

// Languages Snowball covers, by ISO 639-1 code (libstemmer accepts these codes as names).
constexpr std::array<std::string_view, 28> kSnowballCandidates{
    "ar", "ca", "da", "de", "el", "en", "es", "eu", "fi", "fr", "ga", "hi", "hu", "hy",
    "id", "it", "lt", "ne", "nl", "no", "pt", "ro", "ru", "sr", "sv", "ta", "tr", "yi"};

}  // namespace

std::string normalize_language(std::string_view tag) {
  while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
  while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
  std::string primary;
  for (const char c : tag.substr(0, tag.find_first_of("-_"))) {
    primary.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  if (!std::all_of(primary.begin(), primary.end(), is_ascii_alpha)) return {};
  for (const auto& [alias, code] : kCodeAliases) {
    if (primary == alias) return std::string(code);
  }
  return primary.size() == 2 ? primary : std::string();
}

std::string detect_language(std::string_view text) {
  if (text.size() > kDetectPrefixBytes) {
    std::size_t cut = kDetectPrefixBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  CLD2::Language top3[3];
  int percent3[3];
  int text_bytes = 0;
  bool reliable = false;
  const CLD2::Language language = CLD2::DetectLanguageSummary(
      text.data(), static_cast<int>(text.size()), true, top3, percent3, &text_bytes, &reliable);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) return {};
  return normalize_language(CLD2::LanguageCode(language));
}

std::span<const std::string_view> elisions(std::string_view lang) {
  if (lang == "it") return kItalianElisions;
  if (lang == "fr") return kFrenchElisions;
  if (lang == "ca") return kCatalanElisions;
  return {};
}

const std::vector<std::string>& stemmer_languages() {
  static const std::vector<std::string> languages = [] {
    std::vector<std::string> found;
    for (const std::string_view code : kSnowballCandidates) {
      if (const Stemmer stemmer(code); stemmer) found.emplace_back(code);
    }
    return found;
  }();
  return languages;
}

Stemmer::Stemmer(std::string_view lang) {
  if (lang.empty()) return;
  stemmer_ = sb_stemmer_new(std::string(lang).c_str(), "UTF_8");
}

Stemmer::~Stemmer() { sb_stemmer_delete(stemmer_); }

Stemmer::Stemmer(Stemmer&& other) noexcept : stemmer_(std::exchange(other.stemmer_, nullptr)) {}

Stemmer& Stemmer::operator=(Stemmer&& other) noexcept {
  std::swap(stemmer_, other.stemmer_);
  return *this;
}

std::string_view Stemmer::stem(std::string_view word) {
  if (stemmer_ == nullptr || word.size() > INT_MAX) return word;
  const sb_symbol* stem = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                          static_cast<int>(word.size()));
  if (stem == nullptr) return word;
  return {reinterpret_cast<const char*>(stem),
          static_cast<std::size_t>(sb_stemmer_length(stemmer_))};
}

void add_word_list(std::string_view content, WordSet& set) {
  while (!content.empty()) {
    const std::size_t eol = content.find('\n');
    std::string_view line = content.substr(0, eol);
    content.remove_prefix(eol == std::string_view::npos ? content.size() : eol + 1);
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) set.insert(fold_word(line));
  }
}

}  // namespace crossnews::detail
