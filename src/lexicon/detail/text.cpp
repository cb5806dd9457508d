#include "lexicon/detail/text.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace crossnews::detail {

std::string_view StringPool::add(std::string_view text) {
  if (text.empty()) return {};
  if (text.size() > kBlockSize / 4) {
    // Long strings get a block of their own so they do not waste the rest of a shared one.
    auto& block = large_.emplace_back(new char[text.size()]);
    std::memcpy(block.get(), text.data(), text.size());
    return {block.get(), text.size()};
  }
  if (used_ + text.size() > kBlockSize) {
    blocks_.emplace_back(new char[kBlockSize]);
    used_ = 0;
  }
  char* dest = blocks_.back().get() + used_;
  std::memcpy(dest, text.data(), text.size());
  used_ += text.size();
  return {dest, text.size()};
}

std::span<const LanguageCode> language_codes() {
  static constexpr std::array<LanguageCode, 52> kCodes{{
      {"afr", "af"}, {"ara", "ar"}, {"bel", "be"}, {"bre", "br"}, {"bul", "bg"}, {"cat", "ca"},
      {"ces", "cs"}, {"cym", "cy"}, {"dan", "da"}, {"deu", "de"}, {"ell", "el"}, {"eng", "en"},
      {"epo", "eo"}, {"est", "et"}, {"eus", "eu"}, {"fas", "fa"}, {"fin", "fi"}, {"fra", "fr"},
      {"fry", "fy"}, {"gla", "gd"}, {"gle", "ga"}, {"glg", "gl"}, {"heb", "he"}, {"hin", "hi"},
      {"hrv", "hr"}, {"hun", "hu"}, {"hye", "hy"}, {"ind", "id"}, {"isl", "is"}, {"ita", "it"},
      {"jpn", "ja"}, {"kat", "ka"}, {"kor", "ko"}, {"kur", "ku"}, {"lat", "la"}, {"lav", "lv"},
      {"lit", "lt"}, {"ltz", "lb"}, {"mkd", "mk"}, {"nld", "nl"}, {"nor", "no"}, {"pol", "pl"},
      {"por", "pt"}, {"ron", "ro"}, {"rus", "ru"}, {"slk", "sk"}, {"slv", "sl"}, {"spa", "es"},
      {"srp", "sr"}, {"swe", "sv"}, {"tur", "tr"}, {"ukr", "uk"},
  }};
  return kCodes;
}

bool is_language_code(std::string_view iso639_1) {
  const auto codes = language_codes();
  return std::any_of(codes.begin(), codes.end(),
                     [&](const LanguageCode& code) { return code.iso639_1 == iso639_1; });
}

namespace {

using namespace std::literals;

// Base letters of U+00C0..U+00FF; '\0' keeps the code point, '*' marks a two-letter expansion.
constexpr std::string_view kLatin1 =
    "aaaaaa*ceeeeiiiidnooooo\0ouuuuy**aaaaaa*ceeeeiiiidnooooo\0ouuuuy*y"sv;

// Base letters of U+0100..U+017F (Latin Extended-A), '*' marks a two-letter expansion.
constexpr std::string_view kLatinExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllllnnnnnnnnnoooooo**rrrrrr"
    "ssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"sv;
static_assert(kLatin1.size() == 64 && kLatinExtendedA.size() == 128);

void append_expansion(char32_t cp, std::u32string& out) {
  switch (cp) {
    case 0xC6:
    case 0xE6:
      out += U"ae";
      break;
    case 0xDE:
    case 0xFE:
      out += U"th";
      break;
    case 0xDF:
      out += U"ss";
      break;
    case 0x132:
    case 0x133:
      out += U"ij";
      break;
    case 0x152:
    case 0x153:
      out += U"oe";
      break;
    default:
      out += cp;
      break;
  }
}

char32_t decode_utf8(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  std::size_t extra = 0;
  char32_t cp = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++pos;
    return 0xFFFD;
  }
  if (pos + extra >= text.size()) {
    ++pos;
    return 0xFFFD;
  }
  for (std::size_t i = 1; i <= extra; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      ++pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3F);
  }
  pos += extra + 1;
  return cp;
}

}  // namespace

void fold_for_matching(std::string_view utf8, std::u32string& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = decode_utf8(utf8, pos);
    if (cp < 0x80) {
      out += static_cast<char32_t>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
    } else if (cp >= 0xC0 && cp <= 0xFF) {
      const char base = kLatin1[cp - 0xC0];
      if (base == '*') {
        append_expansion(cp, out);
      } else {
        out += base == '\0' ? cp : static_cast<char32_t>(base);
      }
    } else if (cp >= 0x100 && cp <= 0x17F) {
      const char base = kLatinExtendedA[cp - 0x100];
      if (base == '*') {
        append_expansion(cp, out);
      } else {
        out += static_cast<char32_t>(base);
      }
    } else {
      out += cp;
    }
  }
}

std::size_t bounded_levenshtein(std::u32string_view a, std::u32string_view b, std::size_t limit) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > limit) return limit + 1;
  // Two rows over the shorter string; stop as soon as a whole row exceeds the limit, since the
  // distance can only grow from there.
  std::vector<std::size_t> previous(a.size() + 1);
  std::vector<std::size_t> current(a.size() + 1);
  for (std::size_t i = 0; i <= a.size(); ++i) previous[i] = i;
  for (std::size_t j = 1; j <= b.size(); ++j) {
    current[0] = j;
    std::size_t row_min = current[0];
    for (std::size_t i = 1; i <= a.size(); ++i) {
      const std::size_t substitute = previous[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[i] = std::min({previous[i] + 1, current[i - 1] + 1, substitute});
      row_min = std::min(row_min, current[i]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(previous, current);
  }
  return std::min(previous[a.size()], limit + 1);
}

}  // namespace crossnews::detail
