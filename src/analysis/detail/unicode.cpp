#include "analysis/detail/unicode.hpp"

#include <cstring>
#include <memory>

#include <simdjson.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace crossnews::detail {
namespace {

const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2* const normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFKCCasefoldInstance(status);
    // ICU's data library is linked in, so this cannot fail short of a broken installation.
    return U_SUCCESS(status) ? instance : nullptr;
  }();
  return *normalizer;
}

BreakClass break_class(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
      return BreakClass::space;
    case ':':  // ICU's root rules drop the colon from MidLetter (UAX #29 keeps it for Swedish)
      return BreakClass::separator;
    case '@':  // ICU's root rules treat '@' as ALetter, keeping e-mail addresses whole
      return BreakClass::letter;
    default:
      break;
  }
  switch (u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER:
      return BreakClass::letter;
    case U_WB_NUMERIC:
      return BreakClass::digit;
    case U_WB_EXTENDNUMLET:
      return BreakClass::extend_num_let;
    case U_WB_MIDLETTER:
      return BreakClass::mid_letter;
    case U_WB_MIDNUM:
      return BreakClass::mid_num;
    case U_WB_MIDNUMLET:
    case U_WB_SINGLE_QUOTE:
      return BreakClass::mid_num_let;
    // Double quotes only join Hebrew letters, which are never on the fast path.
    case U_WB_OTHER:
    case U_WB_CR:
    case U_WB_LF:
    case U_WB_NEWLINE:
    case U_WB_WSEGSPACE:
    case U_WB_DOUBLE_QUOTE:
      return BreakClass::separator;
    default:
      return BreakClass::slow;  // Extend, Format, ZWJ, Katakana, Hebrew, regional indicators
  }
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

bool copy_into(const std::string& from, std::array<char, 6>& to, std::uint8_t& len) {
  if (from.size() > to.size()) return false;
  std::memcpy(to.data(), from.data(), from.size());
  len = static_cast<std::uint8_t>(from.size());
  return true;
}

bool in_token(BreakClass cls) {
  return cls != BreakClass::slow && cls != BreakClass::space && cls != BreakClass::separator;
}

}  // namespace

const LatinTables& LatinTables::instance() {
  static const LatinTables tables;
  return tables;
}

LatinTables::LatinTables() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> to_ascii(
      icu::Transliterator::createInstance("Latin-ASCII", UTRANS_FORWARD, status));
  const auto fill = [&](char32_t cp, CodePointInfo& info) {
    info.cls = break_class(cp);
    const auto c = static_cast<UChar32>(cp);
    const bool letter = u_isalpha(c) != 0;
    info.flags = static_cast<std::uint8_t>(
        (letter ? kLetterFlag : 0) | (letter && (u_isupper(c) || u_istitle(c)) ? kUpperFlag : 0));
    if (!in_token(info.cls)) return;
    UErrorCode fold_status = U_ZERO_ERROR;
    const std::string folded =
        to_utf8(nfkc_casefold().normalize(icu::UnicodeString(c), fold_status));
    icu::UnicodeString ascii(c);
    if (to_ascii) to_ascii->transliterate(ascii);
    if (U_FAILURE(fold_status) || folded.empty() || !copy_into(folded, info.fold, info.fold_len) ||
        !copy_into(to_utf8(ascii), info.ascii, info.ascii_len)) {
      info.cls = BreakClass::slow;
    }
  };
  for (char32_t cp = 0; cp < kLatinEnd; ++cp) fill(cp, latin_[cp]);
  for (char32_t cp = kPunctBegin; cp < kPunctEnd; ++cp) fill(cp, punct_[cp - kPunctBegin]);
  fill(kEuro, euro_);
  // A code point stays on the fast path only when its folding is made of fast-path code points
  // that fold to themselves: then folding a token code point by code point equals ICU folding the
  // whole token (no composition across code points, no second folding step). This sends e.g.
  // U+00B5 (folds to Greek mu), U+0130 (adds a combining dot) and U+0149 to ICU.
  const auto check = [&](CodePointInfo& info) {
    if (!in_token(info.cls)) return;
    const std::string_view folded(info.fold.data(), info.fold_len);
    for (std::size_t i = 0; i < folded.size();) {
      std::size_t len = 0;
      const CodePointInfo& part =
          decode(reinterpret_cast<const unsigned char*>(folded.data() + i), len);
      const std::string_view part_text = folded.substr(i, len);
      if (!in_token(part.cls) || std::string_view(part.fold.data(), part.fold_len) != part_text) {
        info.cls = BreakClass::slow;
        return;
      }
      i += len;
    }
  };
  for (auto& info : latin_) check(info);
  for (auto& info : punct_) check(info);
  check(euro_);
  for (unsigned byte = 0; byte < 0x80; ++byte) {
    const CodePointInfo& info = latin_[byte];
    const unsigned cls = info.cls == BreakClass::letter           ? 1
                         : info.cls == BreakClass::digit          ? 2
                         : info.cls == BreakClass::extend_num_let ? 3
                                                                  : 0;
    // '@' takes the general path, which marks the token for prepare()'s handle stripping.
    if (cls == 0 || info.fold_len != 1 || byte == '@') continue;
    ascii_word_[byte] = static_cast<std::uint8_t>((cls << 4) | info.flags);
    ascii_packed_[byte] = kWordMark | ((info.flags & kLetterFlag) != 0 ? kLetterUnit : 0) |
                          ((info.flags & kUpperFlag) != 0 ? kUpperUnit : 0) |
                          (cls == 2 ? kDigitUnit : 0);
  }
}

Shape shape_of(std::string_view surface) {
  Shape shape;
  const auto* s = reinterpret_cast<const std::uint8_t*>(surface.data());
  const auto n = static_cast<std::int32_t>(surface.size());
  for (std::int32_t i = 0; i < n;) {
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;
    const bool letter = u_isalpha(c) != 0;
    shape.add(letter, letter && (u_isupper(c) || u_istitle(c)), u_isdigit(c) != 0);
  }
  return shape;
}

bool is_word_char(char32_t cp) {
  return (U_GET_GC_MASK(static_cast<UChar32>(cp)) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

std::string_view repair_utf8(std::string_view in, std::string& scratch) {
  if (std::memchr(in.data(), 0, in.size()) == nullptr &&
      simdjson::validate_utf8(in.data(), in.size())) {
    return in;
  }
  scratch.clear();
  scratch.reserve(in.size() + 16);
  const auto* s = reinterpret_cast<const std::uint8_t*>(in.data());
  // Inputs past 2 GiB cannot be indexed by ICU's int32 macros; analysis caps text far below that.
  const auto n = static_cast<std::int32_t>(std::min<std::size_t>(in.size(), 0x7FFFFFFF));
  for (std::int32_t i = 0; i < n;) {
    const std::int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (c < 0) {
      scratch.append("\xEF\xBF\xBD");
    } else if (c == 0) {
      scratch.push_back(' ');
    } else {
      scratch.append(in.data() + start, static_cast<std::size_t>(i - start));
    }
  }
  return scratch;
}

namespace {

class BufferSink : public icu::ByteSink {
 public:
  explicit BufferSink(ByteBuffer& buffer) : buffer_(buffer) {}
  void Append(const char* bytes, std::int32_t n) override {
    buffer_.append(bytes, static_cast<std::size_t>(n));
  }

 private:
  ByteBuffer& buffer_;
};

void fold_into(std::string_view in, icu::ByteSink& sink) {
  UErrorCode status = U_ZERO_ERROR;
  nfkc_casefold().normalizeUTF8(
      0, icu::StringPiece(in.data(), static_cast<std::int32_t>(in.size())), sink, nullptr, status);
}

}  // namespace

void fold_append(std::string_view in, ByteBuffer& out) {
  BufferSink sink(out);
  fold_into(in, sink);
}

std::size_t normalize_apostrophes(char* s, std::size_t n) {
  std::size_t w = 0;
  for (std::size_t r = 0; r < n;) {
    if (r + 3 <= n && s[r] == '\xE2' && s[r + 1] == '\x80' &&
        (s[r + 2] == '\x98' || s[r + 2] == '\x99')) {
      s[w++] = '\'';
      r += 3;
    } else {
      s[w++] = s[r++];
    }
  }
  return w;
}

std::string fold_word(std::string_view in) {
  std::string repaired;
  const std::string_view valid = repair_utf8(in, repaired);
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  fold_into(valid, sink);
  out.resize(normalize_apostrophes(out.data(), out.size()));
  return out;
}

}  // namespace crossnews::detail
