#include "model/detail/snapshot.hpp"

#include "model/detail/binary.hpp"

#include <crossnews/error.hpp>

#include <zlib.h>

#include <algorithm>
#include <istream>
#include <ostream>

namespace crossnews::detail {

namespace {

constexpr std::size_t kHeaderSize = 8 + 4 + 8 + 4;  // magic, version, payload size, crc32

}  // namespace

std::uint32_t crc32_of(std::string_view data) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

void write_snapshot(std::ostream& out, const SnapshotKind& kind, std::string_view payload) {
  std::string header;
  ByteWriter h(header);
  h.bytes({kind.magic.data(), kind.magic.size()});
  h.u32(kind.version);
  h.u64(payload.size());
  h.u32(crc32_of(payload));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  if (!out) throw IoError("writing the " + std::string(kind.what) + " failed");
}

std::string read_snapshot(std::istream& in, const SnapshotKind& kind) {
  const std::string what(kind.what);
  std::array<char, kHeaderSize> header{};
  in.read(header.data(), header.size());
  if (static_cast<std::size_t>(in.gcount()) != header.size()) {
    throw FormatError(what + ": truncated header (" + std::to_string(in.gcount()) + " of " +
                      std::to_string(kHeaderSize) + " bytes)");
  }
  if (!std::equal(kind.magic.begin(), kind.magic.end(), header.begin())) {
    throw FormatError(what + ": bad magic, not a crossnews " + what);
  }
  ByteReader h({header.data() + kind.magic.size(), header.size() - kind.magic.size()}, kind.what);
  const std::uint32_t version = h.u32("version");
  if (version != kind.version) {
    throw FormatError(what + ": unsupported version " + std::to_string(version) +
                      " (this build reads version " + std::to_string(kind.version) + ")");
  }
  const std::uint64_t payload_size = h.u64("payload size");
  const std::uint32_t crc = h.u32("crc32");

  std::string payload;
  constexpr std::size_t kChunk = 1 << 20;
  while (payload.size() < payload_size) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, payload_size - payload.size()));
    const std::size_t old_size = payload.size();
    payload.resize(old_size + want);
    in.read(payload.data() + old_size, static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got != want) {
      throw FormatError(what + ": truncated payload (" + std::to_string(old_size + got) + " of " +
                        std::to_string(payload_size) + " bytes)");
    }
  }
  if (crc32_of(payload) != crc) throw FormatError(what + ": checksum mismatch, the file is corrupt");
  return payload;
}

}  // namespace crossnews::detail
