#pragma once
// Byte sources and line splitting over large blocks, so multi-GB inputs are read in bounded
// memory. Every line handed out is followed in memory by simdjson::SIMDJSON_PADDING zero bytes
// (until the next call), so simdjson can parse it in place without a copy: its On-Demand parser
// reads past the end of a malformed document, and must find zeros there, not the next line.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace crossnews::detail {

/// Where bytes come from. One virtual call per block, never per line.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to size bytes; 0 at the end. A source that fails first hands out every byte it
  /// had, then returns 0 with error() set.
  virtual std::size_t read(char* out, std::size_t size) = 0;
  [[nodiscard]] const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

/// An open descriptor (owned, closed by the source), read as it is.
std::unique_ptr<ByteSource> fd_source(int fd);

/// Bytes already in memory; the caller keeps them alive.
std::unique_ptr<ByteSource> memory_source(std::string_view bytes);

/// raw decompressed when it opens with the gzip magic bytes, else passed through. Every member of
/// concatenated gzip streams is read; bytes after the last member that do not open another one
/// are passed through as they are (so they are read as lines). A damaged stream hands out every
/// byte decoded before the damage, then fails with a message naming the member, the compressed
/// byte offset and what could not be read.
std::unique_ptr<ByteSource> gzip_or_plain(std::unique_ptr<ByteSource> raw);

/// A file or standard input ("-"), gzip-compressed or not. Throws IoError naming the path if it
/// cannot be opened.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);

struct Line {
  enum class Status {
    kOk,         ///< text holds the line, without its line end
    kTooLong,    ///< longer than max_line_bytes; skipped, text empty, length counts its bytes
    kReadError,  ///< the source failed before the line ended; text holds what was read (maybe
                 ///< nothing: a failure after a complete line still yields one such line)
  };
  Status status = Status::kOk;
  std::string_view text;
  std::uint64_t length = 0;
  std::uint64_t number = 0;  ///< 1-based
};

/// Splits a source into lines. Lines end at '\n' (a '\r' before it stays in the text, which
/// JSON reads as whitespace); an input whose first line end is a '\r' not followed by '\n' (old
/// Mac files) is split at '\r' instead.
class LineReader {
 public:
  static constexpr std::size_t kDefaultBlockBytes = std::size_t{16} << 20;

  /// block_bytes: how much is read at once (the buffer grows beyond it only for longer lines).
  LineReader(std::unique_ptr<ByteSource> source, std::size_t block_bytes,
             std::size_t max_line_bytes);

  /// The first bytes of the input (at least min_bytes unless the input is shorter), before the
  /// first call to next().
  std::string_view head(std::size_t min_bytes);
  /// The next line, or false at the end of the input. A final line without a line end counts.
  bool next(Line& line);
  /// Bytes taken from the source so far.
  [[nodiscard]] std::uint64_t bytes_read() const { return bytes_read_; }
  /// The source's read error, if one ended the input early.
  [[nodiscard]] const std::string& error() const { return source_->error(); }

 private:
  void fill();
  void make_room();
  void zero_padding_after(std::size_t end);
  void restore_padding();
  const char* find_line_end(std::size_t from);

  std::unique_ptr<ByteSource> source_;
  std::size_t block_bytes_;
  std::size_t max_line_bytes_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;  ///< usable bytes; the allocation adds the padding
  std::size_t begin_ = 0;     ///< start of the unconsumed data
  std::size_t scanned_ = 0;   ///< bytes from begin_ known to hold no line end
  std::size_t end_ = 0;       ///< end of the data read
  char line_end_ = '\n';
  bool line_end_known_ = false;
  bool eof_ = false;
  bool error_reported_ = false;
  bool skipping_ = false;      ///< inside a line longer than max_line_bytes
  std::uint64_t skipped_ = 0;  ///< bytes of that line dropped so far
  std::uint64_t line_number_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::size_t zeroed_at_ = 0;  ///< where the padding after the last line was zeroed
  bool zeroed_ = false;
  std::unique_ptr<char[]> hidden_bytes_;  ///< the bytes that zeroing covered
};

}  // namespace crossnews::detail
