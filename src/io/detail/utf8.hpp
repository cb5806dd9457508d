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

/// Length of the longest prefix of valid UTF-8 s that is at most max_bytes long and does not
/// split a code point.
std::size_t utf8_prefix_length(std::string_view s, std::size_t max_bytes);

/// s in single quotes for a message: control bytes escaped as \xNN, cut to about max_bytes.
std::string quote_for_message(std::string_view s, std::size_t max_bytes = 80);

}  // namespace crossnews::detail
