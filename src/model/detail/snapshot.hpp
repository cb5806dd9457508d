#pragma once
// The frame around every binary snapshot (DF tables, stream states): a magic, a version, the
// payload's size and its CRC-32, then the payload. A reader checks all four before it parses a
// byte, so a foreign, truncated or corrupt file ends in FormatError naming the snapshot kind.

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace crossnews::detail {

struct SnapshotKind {
  /// Its high byte and CR/LF catch a file mangled by text-mode transfer, as PNG's does.
  std::array<char, 8> magic;
  std::uint32_t version;
  /// Names the kind in messages ("DF snapshot").
  std::string_view what;
};

[[nodiscard]] std::uint32_t crc32_of(std::string_view data);

/// Writes the frame and the payload; IoError if the stream fails.
void write_snapshot(std::ostream& out, const SnapshotKind& kind, std::string_view payload);
/// Reads exactly one frame and returns its payload, checked against its size and CRC-32.
/// The payload is read in bounded chunks: a corrupt size never allocates more than was read.
[[nodiscard]] std::string read_snapshot(std::istream& in, const SnapshotKind& kind);

}  // namespace crossnews::detail
