#pragma once
// UTF-8 checks and repair for the readers. Repair follows the Unicode "maximal subpart" practice
// (one U+FFFD per maximal invalid prefix), which is what browsers and ICU converters do, so a
// truncated multi-byte sequence becomes exactly one replacement character.

#include <cstddef>
#include <string>
#include <string_view>

namespace crossnews::detail {

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";

struct Utf8Scan {
  std::size_t first_invalid = std::string_view::npos;  ///< byte offset of the first bad sequence
  std::size_t invalid_sequences = 0;
  std::size_t invalid_bytes = 0;
};

/// Scans s for invalid UTF-8. allow_surrogates accepts encoded U+D800..U+DFFF, as Python's
/// "surrogatepass" decoder does.
Utf8Scan scan_utf8(std::string_view s, bool allow_surrogates = false);

/// Appends s to out with each maximal invalid subpart replaced by U+FFFD.
void append_repaired_utf8(std::string_view s, std::string& out);

/// s itself if it is valid UTF-8, else s with each maximal invalid subpart replaced by U+FFFD.
std::string repaired_utf8(std::string_view s);

/// "UTF-16LE", "UTF-16BE", "UTF-32LE" or "UTF-32BE" if the first bytes of a text are a byte
/// order mark of that encoding or, without one, the zero bytes that an ASCII character such as
/// '{' leaves there in it (at least 2 bytes, checked up to 16); else an empty view.
std::string_view wide_encoding(std::string_view head);

/// Length of the longest prefix of valid UTF-8 s that is at most max_bytes long and does not
/// split a code point.
std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes);

/// s in single quotes for a message: control bytes escaped as \xNN, cut to about max_bytes.
std::string quote_for_message(std::string_view s, std::size_t max_bytes = 80);

}  // namespace crossnews::detail
