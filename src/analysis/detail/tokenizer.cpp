#include "analysis/detail/tokenizer.hpp"

#include <crossnews/error.hpp>

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace crossnews::detail {
namespace {

bool is_token_class(BreakClass cls) {
  return cls == BreakClass::letter || cls == BreakClass::digit || cls == BreakClass::extend_num_let;
}

bool is_mid_class(BreakClass cls) {
  return cls == BreakClass::mid_letter || cls == BreakClass::mid_num ||
         cls == BreakClass::mid_num_let;
}

// UAX #29 rules WB6/WB7 (letter, MidLetter or MidNumLet, letter) and WB11/WB12 (digit, MidNum or
// MidNumLet, digit): a middle character stays inside a word only between two letters or two digits.
bool mid_joins(BreakClass before, BreakClass mid, BreakClass after) {
  if (before == BreakClass::letter && after == BreakClass::letter) {
    return mid == BreakClass::mid_letter || mid == BreakClass::mid_num_let;
  }
  if (before == BreakClass::digit && after == BreakClass::digit) {
    return mid == BreakClass::mid_num || mid == BreakClass::mid_num_let;
  }
  return false;
}

// Sentence ends and line breaks, and the marks after which a capital letter may start a quote or
// a clause (colon, dash, quotation marks): after any of them, a capital says little about names.
bool starts_sentence(UChar32 c) {
  switch (c) {
    case '.':
    case '!':
    case '?':
    case '\n':
    case '\r':
    case 0x2026:
    case 0x2028:
    case 0x2029:
    case 0x3002:
    case 0xFF01:
    case 0xFF0E:
    case 0xFF1F:
    case 0x061F:
    case 0x0964:
    case 0x0965:
    case ':':
    case '"':
    case 0x2013:
    case 0x2014:
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x00AB:
    case 0x00BB:
    case 0x2039:
    case 0x203A:
    case 0x300C:
    case 0x300D:
      return true;
    default:
      return false;
  }
}

bool is_hyphen(UChar32 c) { return c == '-' || c == 0x2010 || c == 0x2011; }

Gap classify_gap(std::string_view gap) {
  // Most gaps are one ASCII space or one hyphen; decide those without decoding.
  if (gap.size() == 1) {
    switch (gap[0]) {
      case ' ':
      case '\t':
        return Gap::space;
      case '-':
        return Gap::hyphen;
      default:
        break;
    }
  }
  const auto* s = reinterpret_cast<const std::uint8_t*>(gap.data());
  const auto n = static_cast<std::int32_t>(gap.size());
  bool only_space = true;
  std::int32_t count = 0;
  UChar32 single = 0;
  for (std::int32_t i = 0; i < n; ++count) {
    UChar32 c = 0;
    U8_NEXT(s, i, n, c);
    if (starts_sentence(c)) return Gap::sentence;
    only_space =
        only_space && (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x80 && u_isUWhiteSpace(c)));
    single = c;
  }
  if (only_space) return Gap::space;
  return count == 1 && is_hyphen(single) ? Gap::hyphen : Gap::punct;
}

struct AsciiRun {
  std::uint32_t letters = 0;
  std::uint32_t upper = 0;
  bool first_upper = false;  // of the run's first letter, when it has letters
  bool digit = false;
};

unsigned popcount16(unsigned x) {
  x = x - ((x >> 1) & 0x5555u);
  x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
  x = (x + (x >> 4)) & 0x0F0Fu;
  return (x + (x >> 8)) & 0x1Fu;
}

// Break class of a byte for which LatinTables::ascii_word is non-zero.
BreakClass ascii_class(const LatinTables& tables, unsigned char byte) {
  static constexpr std::array<BreakClass, 4> kByteClass{
      BreakClass::slow, BreakClass::letter, BreakClass::digit, BreakClass::extend_num_let};
  return kByteClass[tables.ascii_word(byte) >> 4];
}

char lowercase(unsigned char c) {
  return static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
}

// Scans the run of bytes that are word characters by themselves ([A-Za-z0-9_]) from `pos`,
// appending them lowercased to `out` and counting letters, capitals and digits; returns the
// run's end. With SSE2 (every x86-64 CPU) sixteen bytes are classified, folded and stored at
// once, which is most words in one step.
std::size_t scan_ascii_run(const LatinTables& tables, const unsigned char* s, std::size_t pos,
                           std::size_t n, AsciiRun& counts, ByteBuffer& out) {
#if defined(__SSE2__)
  const auto between = [](__m128i x, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  const auto mask = [](__m128i m) { return static_cast<unsigned>(_mm_movemask_epi8(m)); };
  while (pos + 16 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos));
    const __m128i lower = between(x, 'a', 'z');
    const __m128i upper = between(x, 'A', 'Z');
    const __m128i digit = between(x, '0', '9');
    const __m128i connector = _mm_cmpeq_epi8(x, _mm_set1_epi8('_'));
    const unsigned word =
        mask(_mm_or_si128(_mm_or_si128(lower, upper), _mm_or_si128(digit, connector)));
    const auto length = static_cast<unsigned>(__builtin_ctz(~word));  // ~word has bit 16 set
    const unsigned taken = (1u << length) - 1;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.tail(16)),
                     _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    out.commit(length);
    const unsigned capitals = mask(upper) & taken;
    const unsigned letters = (mask(lower) & taken) | capitals;
    if (counts.letters == 0 && letters != 0) {
      counts.first_upper = ((capitals >> __builtin_ctz(letters)) & 1u) != 0;
    }
    counts.letters += letters == taken ? length : popcount16(letters);
    if (capitals != 0) counts.upper += popcount16(capitals);
    counts.digit = counts.digit || (mask(digit) & taken) != 0;
    pos += length;
    if (length < 16) return pos;
  }
#endif
  // The end of the text (and CPUs without SSE2): byte by byte, adding packed counters in runs
  // short enough that they cannot overflow into each other.
  const std::size_t stop = std::min(n, pos + LatinTables::kMaxPackedRun);
  std::uint64_t sum = 0;
  for (std::uint64_t bits = 0; pos < stop && (bits = tables.ascii_packed(s[pos])) != 0; ++pos) {
    if ((sum & LatinTables::kUnitMask) == 0 && counts.letters == 0 &&
        (bits & LatinTables::kLetterUnit) != 0) {
      counts.first_upper = (bits & LatinTables::kUpperUnit) != 0;
    }
    sum += bits;
    out.push_back(lowercase(s[pos]));
  }
  counts.letters += static_cast<std::uint32_t>(sum & LatinTables::kUnitMask);
  counts.upper += static_cast<std::uint32_t>((sum >> 21) & LatinTables::kUnitMask);
  counts.digit = counts.digit || ((sum >> 42) & LatinTables::kUnitMask) != 0;
  return pos;
}

bool is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

Tokenizer::Tokenizer(bool latin_fast_path)
    : fast_(latin_fast_path), tables_(LatinTables::instance()) {
  UErrorCode status = U_ZERO_ERROR;
  words_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !words_) {
    throw Error(std::string("crossnews analyzer: ICU word break iterator unavailable: ") +
                u_errorName(status));
  }
}

Tokenizer::~Tokenizer() {
  words_.reset();  // the iterator refers to the UText; drop it first
  if (utext_ != nullptr) utext_close(utext_);
}

void Tokenizer::tokenize(std::string_view text, Field field, std::vector<RawToken>& tokens,
                         ByteBuffer& arena) {
  const std::size_t first = tokens.size();
  if (fast_) {
    scan_fast(text, field, tokens, arena);
  } else {
    scan_icu(text, 0, text.size(), field, tokens, arena);
  }
  std::uint32_t previous_end = 0;
  for (std::size_t t = first; t < tokens.size(); ++t) {
    RawToken& token = tokens[t];
    if (t == first) {
      token.gap = Gap::sentence;
    } else if (token.raw_begin == previous_end + 1 && text[previous_end] == ' ') {
      token.gap = Gap::space;  // by far the most common gap
    } else {
      token.gap = classify_gap(text.substr(previous_end, token.raw_begin - previous_end));
    }
    previous_end = token.raw_end;
  }
}

// Scans the token that `start` describes from `cursor` on (a letter, digit or connector, or the
// end of an ASCII run already scanned and folded), appending its folded form to `arena` as it
// goes. Returns Scan::slow, with `cursor` on the offending code point, when the token touches a
// code point outside the tables (the caller then discards the chunk).
Tokenizer::Scan Tokenizer::scan_token(std::string_view text, const TokenStart& start,
                                      std::size_t& cursor, Field field,
                                      std::vector<RawToken>& tokens, ByteBuffer& arena) const {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  // A local position: writing through `cursor` in the loops would store it on every byte.
  std::size_t pos = cursor;
  const std::size_t begin = start.begin;
  const std::size_t fold_begin = start.fold_begin;
  Shape shape = start.shape;
  bool plain = true;  // ASCII without apostrophe or '@': nothing for TermBuilder::prepare to fix
  BreakClass last = start.last;
  const auto take = [&](const CodePointInfo& info, std::size_t len) {
    shape.add((info.flags & kLetterFlag) != 0, (info.flags & kUpperFlag) != 0,
              info.cls == BreakClass::digit);
    last = info.cls;
    plain = plain && (s[pos] == '.' || s[pos] == ',' || s[pos] == ';');
    arena.append(info.fold.data(), info.fold_len);
    pos += len;
  };
  while (pos < n) {
    // ASCII letters and digits are most of the text: a run of them goes in one step.
    if (tables_.ascii_packed(s[pos]) != 0) {
      AsciiRun run;
      pos = scan_ascii_run(tables_, s, pos, n, run, arena);
      if (shape.letters == 0 && run.letters > 0) shape.first_upper = run.first_upper;
      shape.letters += run.letters;
      shape.upper += run.upper;
      shape.has_digit = shape.has_digit || run.digit;
      last = ascii_class(tables_, s[pos - 1]);
      continue;
    }
    std::size_t len = 1;
    const CodePointInfo& info = tables_.decode(s + pos, len);
    if (is_token_class(info.cls)) {
      take(info, len);
      continue;
    }
    if (info.cls == BreakClass::slow) {
      cursor = pos;
      return Scan::slow;
    }
    if (!is_mid_class(info.cls) || pos + len >= n) break;
    std::size_t next_len = 0;
    const CodePointInfo& next = tables_.decode(s + pos + len, next_len);
    if (next.cls == BreakClass::slow) {
      cursor = pos + len;
      return Scan::slow;
    }
    if (!mid_joins(last, info.cls, next.cls)) break;
    take(info, len);
    take(next, next_len);
  }
  cursor = pos;
  if (shape.letters == 0 && !shape.has_digit) {
    arena.truncate(fold_begin);
    return Scan::done;
  }
  tokens.push_back(RawToken{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(pos),
                            static_cast<std::uint32_t>(fold_begin),
                            static_cast<std::uint32_t>(arena.size() - fold_begin), shape, field,
                            Gap::sentence, plain});
  return Scan::done;
}

void Tokenizer::scan_fast(std::string_view text, Field field, std::vector<RawToken>& tokens,
                          ByteBuffer& arena) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  // Tokens of the current whitespace-delimited chunk are provisional: when the chunk turns out to
  // hold a code point outside the tables, they are dropped and ICU segments the chunk instead.
  // ASCII whitespace is a word boundary under every UAX #29 rule, so cutting there is exact.
  std::size_t chunk = 0;
  std::size_t chunk_tokens = tokens.size();
  std::size_t chunk_arena = arena.size();
  std::size_t pos = 0;
  while (pos < n) {
    if (s[pos] == ' ') {  // the most common byte between words
      chunk = ++pos;
      chunk_tokens = tokens.size();
      chunk_arena = arena.size();
      continue;
    }
    // The most common token: ASCII letters and digits ended by a byte that cannot join a word
    // (a space or ASCII punctuation other than . , ; ' : _ @). Anything else takes scan_token.
    if (tables_.ascii_packed(s[pos]) != 0) {
      const std::size_t begin = pos;
      const std::size_t fold_begin = arena.size();
      AsciiRun run;
      const std::size_t end = scan_ascii_run(tables_, s, pos, n, run, arena);
      const Shape shape{run.letters, run.upper, run.first_upper, run.digit};
      if (end == n || tables_.ends_word(s[end])) {
        if (run.letters > 0 || run.digit) {
          tokens.push_back(
              RawToken{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end),
                       static_cast<std::uint32_t>(fold_begin),
                       static_cast<std::uint32_t>(end - begin), shape, field, Gap::sentence, true});
        } else {
          arena.truncate(fold_begin);
        }
        pos = end;
        continue;
      }
      // The word goes on (an accented letter, an apostrophe, a joiner): continue from the run.
      pos = end;
      const TokenStart start{begin, fold_begin, shape, ascii_class(tables_, s[end - 1])};
      if (scan_token(text, start, pos, field, tokens, arena) == Scan::done) continue;
      slow_chunk(text, chunk, pos, field, tokens, arena, chunk_tokens, chunk_arena);
      continue;
    }
    std::size_t len = 0;
    const CodePointInfo& info = tables_.decode(s + pos, len);
    bool slow = info.cls == BreakClass::slow;
    if (info.cls == BreakClass::space) {
      pos += len;
      chunk = pos;
      chunk_tokens = tokens.size();
      chunk_arena = arena.size();
      continue;
    }
    if (is_token_class(info.cls)) {
      const TokenStart start{pos, arena.size(), Shape{}, BreakClass::slow};
      slow = scan_token(text, start, pos, field, tokens, arena) == Scan::slow;
    } else if (!slow) {
      pos += len;
    }
    if (slow) slow_chunk(text, chunk, pos, field, tokens, arena, chunk_tokens, chunk_arena);
  }
}

// The chunk from `chunk` holds a code point outside the tables (at `pos`): drop its provisional
// tokens and let ICU segment it, with the slow chunks that follow it.
void Tokenizer::slow_chunk(std::string_view text, std::size_t& chunk, std::size_t& pos, Field field,
                           std::vector<RawToken>& tokens, ByteBuffer& arena,
                           std::size_t& chunk_tokens, std::size_t& chunk_arena) {
  tokens.resize(chunk_tokens);
  arena.truncate(chunk_arena);
  pos = slow_region_end(text, pos);
  scan_icu(text, chunk, pos, field, tokens, arena);
  chunk = pos;
  chunk_tokens = tokens.size();
  chunk_arena = arena.size();
}

// End of the slow region that contains `pos`: the end of its chunk, extended over following
// chunks that hold slow code points too, so that text in another script goes to ICU in one piece.
std::size_t Tokenizer::slow_region_end(std::string_view text, std::size_t pos) const {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t end = pos;
  while (end < n && !is_ascii_space(s[end])) ++end;
  std::size_t next = end;
  while (next < n) {
    while (next < n && is_ascii_space(s[next])) ++next;
    bool slow = false;
    std::size_t i = next;
    while (i < n && !is_ascii_space(s[i])) {
      std::size_t len = 0;
      if (tables_.decode(s + i, len).cls == BreakClass::slow) slow = true;
      i += len;
    }
    if (!slow) break;
    end = next = i;
  }
  return end;
}

void Tokenizer::scan_icu(std::string_view text, std::size_t begin, std::size_t end, Field field,
                         std::vector<RawToken>& tokens, ByteBuffer& arena) {
  if (begin >= end) return;
  UErrorCode status = U_ZERO_ERROR;
  utext_ =
      utext_openUTF8(utext_, text.data() + begin, static_cast<std::int64_t>(end - begin), &status);
  words_->setText(utext_, status);
  if (U_FAILURE(status)) return;
  for (std::int32_t from = words_->first(), to = words_->next(); to != icu::BreakIterator::DONE;
       from = to, to = words_->next()) {
    if (words_->getRuleStatus() == UBRK_WORD_NONE) continue;
    const std::string_view segment =
        text.substr(begin + static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    const auto* s = reinterpret_cast<const std::uint8_t*>(segment.data());
    const auto n = static_cast<std::int32_t>(segment.size());
    bool word_char = false;
    for (std::int32_t i = 0; i < n && !word_char;) {
      UChar32 c = 0;
      U8_NEXT(s, i, n, c);
      word_char = c >= 0 && is_word_char(static_cast<char32_t>(c));
    }
    if (!word_char) continue;
    const std::size_t fold_begin = arena.size();
    fold_append(segment, arena);
    tokens.push_back(RawToken{static_cast<std::uint32_t>(begin + static_cast<std::size_t>(from)),
                              static_cast<std::uint32_t>(begin + static_cast<std::size_t>(to)),
                              static_cast<std::uint32_t>(fold_begin),
                              static_cast<std::uint32_t>(arena.size() - fold_begin),
                              shape_of(segment), field, Gap::sentence, false});
  }
}

}  // namespace crossnews::detail
