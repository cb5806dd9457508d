#pragma once
// Little-endian byte writer and bounds-checked reader for the model snapshots. The reader never
// trusts a stored count: every read and every reservation is checked against the bytes left, so
// a corrupt file ends in FormatError, never in a crash or a huge allocation.

#include <crossnews/error.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace crossnews::detail {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { little_endian(v, 4); }
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
  void bytes(std::string_view v) { out_.append(v); }
  /// Seven bits a byte, lowest first, the high bit set on all but the last (LEB128): small
  /// numbers, which most counts, lengths and id gaps are, take one or two bytes.
  void varint(std::uint64_t v) {
    for (; v >= 0x80; v >>= 7) u8(static_cast<std::uint8_t>(v | 0x80));
    u8(static_cast<std::uint8_t>(v));
  }
  /// A length-prefixed string: length:u32 bytes.
  void text(std::string_view v) {
    u32(static_cast<std::uint32_t>(v.size()));
    bytes(v);
  }

 private:
  void little_endian(std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string& out_;
};

class ByteReader {
 public:
  /// `what` names the file kind in error messages ("DF snapshot").
  ByteReader(std::string_view data, std::string_view what) : data_(data), what_(what) {}

  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] std::size_t position() const { return pos_; }

  std::uint8_t u8(std::string_view field) {
    return static_cast<std::uint8_t>(little_endian(1, field));
  }
  std::uint32_t u32(std::string_view field) {
    return static_cast<std::uint32_t>(little_endian(4, field));
  }
  std::uint64_t u64(std::string_view field) { return little_endian(8, field); }
  std::int64_t i64(std::string_view field) { return static_cast<std::int64_t>(u64(field)); }
  double f64(std::string_view field) { return std::bit_cast<double>(u64(field)); }
  /// A count or weight: finite and not negative.
  double non_negative(std::string_view field) {
    const std::size_t at = pos_;
    const double v = f64(field);
    if (!std::isfinite(v) || v < 0.0) fail(field, at, "is negative or not finite");
    return v;
  }
  std::string_view bytes(std::size_t size, std::string_view field) {
    need(size, field);
    const std::string_view v = data_.substr(pos_, size);
    pos_ += size;
    return v;
  }
  std::string_view text(std::string_view field) { return bytes(u32(field), field); }
  std::uint64_t varint(std::string_view field) {
    const std::size_t at = pos_;
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8(field);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (shift == 63 && b > 1) break;  // more than 64 bits
        return v;
      }
    }
    fail(field, at, "is not a valid number");
  }
  /// Reads a count of records that take at least `min_record_size` bytes each, rejecting counts
  /// the remaining bytes cannot hold (so reserving `count` elements is safe).
  std::uint64_t count(std::string_view field, std::size_t min_record_size) {
    const std::size_t at = pos_;
    return checked_count(u64(field), field, at, min_record_size);
  }
  /// The same for a count written as a varint.
  std::uint64_t varint_count(std::string_view field, std::size_t min_record_size) {
    const std::size_t at = pos_;
    return checked_count(varint(field), field, at, min_record_size);
  }

  [[noreturn]] void fail(std::string_view field, std::size_t at, std::string_view problem) const {
    throw FormatError(std::string(what_) + ": field '" + std::string(field) + "' at byte " +
                      std::to_string(at) + " " + std::string(problem));
  }

 private:
  std::uint64_t checked_count(std::uint64_t n, std::string_view field, std::size_t at,
                              std::size_t min_record_size) const {
    if (min_record_size > 0 && n > remaining() / min_record_size) {
      fail(field, at,
           "count " + std::to_string(n) + " exceeds the remaining " + std::to_string(remaining()) +
               " bytes");
    }
    return n;
  }
  void need(std::size_t size, std::string_view field) const {
    if (size > remaining()) {
      fail(field, pos_,
           "is truncated (needs " + std::to_string(size) + " bytes, " +
               std::to_string(remaining()) + " left)");
    }
  }
  std::uint64_t little_endian(int size, std::string_view field) {
    need(static_cast<std::size_t>(size), field);
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += static_cast<std::size_t>(size);
    return v;
  }

  std::string_view data_;
  std::string_view what_;
  std::size_t pos_ = 0;
};

}  // namespace crossnews::detail
