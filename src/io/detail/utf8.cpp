#include "io/detail/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace crossnews::detail {
namespace {

/// Length of the sequence at s[i] if valid (> 0), else minus the length of its maximal invalid
/// subpart (< 0).
int sequence_length(std::string_view s, std::size_t i, bool allow_surrogates) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  int trail = 0;
  std::uint8_t lo = 0x80, hi = 0xBF;  // range of the first continuation byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    trail = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    trail = 2;
    if (lead == 0xE0) lo = 0xA0;                       // overlong
    if (lead == 0xED && !allow_surrogates) hi = 0x9F;  // U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    trail = 3;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return -1;
  }
  if (i + 1 >= s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return -1;
  for (int k = 2; k <= trail; ++k) {
    if (i + k >= s.size() || byte(i + k) < 0x80 || byte(i + k) > 0xBF) return -k;
  }
  return trail + 1;
}

}  // namespace

Utf8Scan scan_utf8(std::string_view s, bool allow_surrogates) {
  Utf8Scan scan;
  std::size_t i = 0;
  while (i < s.size()) {
    if (static_cast<std::uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const int len = sequence_length(s, i, allow_surrogates);
    if (len < 0) {
      if (scan.first_invalid == std::string_view::npos) scan.first_invalid = i;
      ++scan.invalid_sequences;
      scan.invalid_bytes += static_cast<std::size_t>(-len);
    }
    i += static_cast<std::size_t>(len < 0 ? -len : len);
  }
  return scan;
}

void append_repaired_utf8(std::string_view s, std::string& out) {
  out.reserve(out.size() + s.size() + 8);
  std::size_t i = 0;
  std::size_t run = 0;  // start of the pending run of valid bytes
  while (i < s.size()) {
    if (static_cast<std::uint8_t>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const int len = sequence_length(s, i, false);
    if (len > 0) {
      i += static_cast<std::size_t>(len);
      continue;
    }
    out.append(s.substr(run, i - run));
    out.append(kReplacementChar);
    i += static_cast<std::size_t>(-len);
    run = i;
  }
  out.append(s.substr(run));
}

std::string repaired_utf8(std::string_view s) {
  if (scan_utf8(s).invalid_sequences == 0) return std::string(s);
  std::string out;
  append_repaired_utf8(s, out);
  return out;
}

std::string_view wide_encoding(std::string_view head) {
  using namespace std::string_view_literals;
  if (head.starts_with("\x00\x00\xFE\xFF"sv)) return "UTF-32BE";
  if (head.starts_with("\xFF\xFE\x00\x00"sv)) return "UTF-32LE";
  if (head.starts_with("\xFE\xFF"sv)) return "UTF-16BE";
  if (head.starts_with("\xFF\xFE"sv)) return "UTF-16LE";
  // without a byte order mark: which bytes of each code unit of ASCII text are zero
  const std::size_t n = std::min<std::size_t>(head.size(), 16);
  if (n < 2) return {};
  const auto zero_pattern = [&](std::size_t unit, std::size_t nonzero_at) {
    const std::size_t whole_units = n - n % unit;
    for (std::size_t i = 0; i < whole_units; ++i) {
      if ((head[i] == '\0') == (i % unit == nonzero_at)) return false;
    }
    return whole_units > 0;
  };
  if (zero_pattern(4, 0)) return "UTF-32LE";
  if (zero_pattern(4, 3)) return "UTF-32BE";
  if (zero_pattern(2, 0)) return "UTF-16LE";
  if (zero_pattern(2, 1)) return "UTF-16BE";
  return {};
}

std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s.size();
  std::size_t end = max_bytes;
  // s[end] is the first byte left out; step back while it continues the code point before it
  while (end > 0 && (static_cast<std::uint8_t>(s[end]) & 0xC0) == 0x80) --end;
  return end;
}

std::string quote_for_message(std::string_view s, std::size_t max_bytes) {
  const bool cut = s.size() > max_bytes;
  if (cut) {
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<std::uint8_t>(s[end]) & 0xC0) == 0x80) --end;
    s = s.substr(0, end);
  }
  std::string out = "'";
  for (char c : s) {
    const auto byte = static_cast<std::uint8_t>(c);
    if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += cut ? "'..." : "'";
  return out;
}

}  // namespace crossnews::detail
