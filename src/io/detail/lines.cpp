#include "io/detail/lines.hpp"

#include <crossnews/error.hpp>

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace crossnews::detail {
namespace {

class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;
  ~FdSource() override { ::close(fd_); }

  std::size_t read(char* out, std::size_t size) override {
    if (!error_.empty()) return 0;
    for (;;) {
      const ssize_t n = ::read(fd_, out, std::min<std::size_t>(size, SSIZE_MAX));
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) {
        error_ = std::strerror(errno);
        return 0;
      }
    }
  }

 private:
  int fd_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  std::size_t read(char* out, std::size_t size) override {
    const std::size_t n = std::min(size, bytes_.size());
    std::memcpy(out, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view bytes_;
};

/// Decompresses gzip members as long as they follow one another, then passes the rest through.
class GzipOrPlain final : public ByteSource {
 public:
  explicit GzipOrPlain(std::unique_ptr<ByteSource> raw)
      : raw_(std::move(raw)), in_(std::make_unique_for_overwrite<char[]>(kInBytes)) {}
  GzipOrPlain(const GzipOrPlain&) = delete;
  GzipOrPlain& operator=(const GzipOrPlain&) = delete;
  ~GzipOrPlain() override {
    if (inflating_) inflateEnd(&stream_);
  }

  std::size_t read(char* out, std::size_t size) override {
    if (!error_.empty() || size == 0) return 0;
    if (mode_ == Mode::kDetect) mode_ = opens_member() ? start_member() : Mode::kPlain;
    const std::size_t n = mode_ == Mode::kGzip ? inflate_into(out, size) : read_plain(out, size);
    if (n == 0) error_ = failure_;
    return n;
  }

 private:
  enum class Mode { kDetect, kGzip, kPlain, kDone };
  static constexpr std::size_t kInBytes = std::size_t{256} << 10;

  [[nodiscard]] std::size_t pending() const { return in_end_ - in_begin_; }

  /// Tries to have at least wanted unread bytes; false if the raw input ended first.
  bool refill(std::size_t wanted) {
    if (pending() >= wanted) return true;
    std::memmove(in_.get(), in_.get() + in_begin_, pending());
    in_end_ = pending();
    in_begin_ = 0;
    while (in_end_ < wanted && !raw_eof_) {
      const std::size_t n = raw_->read(in_.get() + in_end_, kInBytes - in_end_);
      if (n == 0) {
        raw_eof_ = true;
        if (!raw_->error().empty()) failure_ = raw_->error();
      }
      in_end_ += n;
    }
    return in_end_ >= wanted;
  }

  bool opens_member() {
    return refill(2) && in_[in_begin_] == '\x1f' && in_[in_begin_ + 1] == '\x8b';
  }

  Mode start_member() {
    ++member_;
    const int status = inflating_ ? inflateReset(&stream_) : inflateInit2(&stream_, 16 + MAX_WBITS);
    if (status != Z_OK) {
      failure_ = "gzip: cannot start decompressing (out of memory)";
      return Mode::kDone;
    }
    inflating_ = true;
    return Mode::kGzip;
  }

  std::size_t read_plain(char* out, std::size_t size) {
    if (mode_ == Mode::kDone) return 0;
    std::size_t n = std::min(size, pending());
    std::memcpy(out, in_.get() + in_begin_, n);
    in_begin_ += n;
    // Only when nothing was pending: a pipe's next read waits for lines not yet written, and
    // the lines already here must be handed out first (`tail -f | crossnews stream -`).
    if (n == 0 && !raw_eof_) {
      n = raw_->read(out, size);
      if (n == 0) {
        raw_eof_ = true;
        failure_ = raw_->error();
      }
    }
    return n;
  }

  std::size_t inflate_into(char* out, std::size_t size) {
    std::size_t produced = 0;
    while (produced < size && mode_ == Mode::kGzip) {
      if (!refill(1)) {
        if (failure_.empty()) {
          failure_ = "gzip stream cut short in member " + std::to_string(member_) +
                     " after compressed byte " + std::to_string(consumed_) +
                     "; the rest of its data is missing";
        }
        mode_ = Mode::kDone;
        break;
      }
      stream_.next_in = reinterpret_cast<Bytef*>(in_.get() + in_begin_);
      stream_.avail_in = static_cast<uInt>(std::min<std::size_t>(pending(), UINT_MAX));
      stream_.next_out = reinterpret_cast<Bytef*>(out + produced);
      stream_.avail_out = static_cast<uInt>(std::min<std::size_t>(size - produced, UINT_MAX));
      const uInt avail_in = stream_.avail_in;
      const int status = inflate(&stream_, Z_NO_FLUSH);
      in_begin_ += avail_in - stream_.avail_in;
      consumed_ += avail_in - stream_.avail_in;
      produced = static_cast<std::size_t>(reinterpret_cast<char*>(stream_.next_out) - out);
      if (status == Z_STREAM_END) {
        mode_ = opens_member() ? start_member() : pending() > 0 ? Mode::kPlain : Mode::kDone;
      } else if (status != Z_OK && status != Z_BUF_ERROR) {
        failure_ = describe_failure(status);
        mode_ = Mode::kDone;
      }
    }
    // bytes after the last member are read as they are
    if (mode_ == Mode::kPlain) produced += read_plain(out + produced, size - produced);
    return produced;
  }

  [[nodiscard]] std::string describe_failure(int status) const {
    const std::string what = stream_.msg != nullptr ? stream_.msg : zError(status);
    const std::string where = "gzip member " + std::to_string(member_) + " at compressed byte " +
                              std::to_string(consumed_);
    if (what == "incorrect data check" || what == "incorrect length check") {
      return where + " fails its integrity check (" + what +
             "): its data was read but may be damaged; nothing after it was read";
    }
    return where + " is damaged (" + what + "); nothing after it could be read";
  }

  std::unique_ptr<ByteSource> raw_;
  std::unique_ptr<char[]> in_;
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool raw_eof_ = false;
  Mode mode_ = Mode::kDetect;
  z_stream stream_{};
  bool inflating_ = false;
  std::uint64_t member_ = 0;
  std::uint64_t consumed_ = 0;  ///< compressed bytes decoded, for messages
  std::string failure_;         ///< becomes error() once every decoded byte is handed out
};

}  // namespace

std::unique_ptr<ByteSource> fd_source(int fd) { return std::make_unique<FdSource>(fd); }

std::unique_ptr<ByteSource> memory_source(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
}

std::unique_ptr<ByteSource> gzip_or_plain(std::unique_ptr<ByteSource> raw) {
  return std::make_unique<GzipOrPlain>(std::move(raw));
}

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  const int fd = path == "-" ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                             : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open input '" + path + "': " + std::strerror(errno));
  return gzip_or_plain(fd_source(fd));
}
LineReader::LineReader(std::unique_ptr<ByteSource> source, std::size_t block_bytes,
                       std::size_t max_line_bytes)
    : source_(std::move(source)),
      block_bytes_(std::max<std::size_t>(block_bytes, 1)),
      max_line_bytes_(max_line_bytes) {}

void LineReader::make_room() {
  const std::size_t pending = end_ - begin_;
  // a buffer grown for one long line shrinks back once that line is gone
  const std::size_t wanted = std::max(block_bytes_, pending + std::min(pending, block_bytes_));
  const std::size_t needed = std::max(block_bytes_, pending + 1);
  if (capacity_ < needed || capacity_ > 2 * wanted) {
    const std::size_t capacity = std::max(wanted, needed);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity + simdjson::SIMDJSON_PADDING);
    if (pending > 0) std::memcpy(grown.get(), buffer_.get() + begin_, pending);
    buffer_ = std::move(grown);
    capacity_ = capacity;
  } else if (begin_ > 0 && pending > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, pending);
  }
  begin_ = 0;
  end_ = pending;
}

void LineReader::fill() {
  if (end_ == capacity_ || begin_ > 0 || buffer_ == nullptr) make_room();
  const std::size_t n = source_->read(buffer_.get() + end_, capacity_ - end_);
  if (n == 0) {
    eof_ = true;
    return;
  }
  end_ += n;
  bytes_read_ += n;
  // the padding after a final unterminated line must hold defined bytes
  std::memset(buffer_.get() + end_, 0, simdjson::SIMDJSON_PADDING);
}

std::string_view LineReader::head(std::size_t min_bytes) {
  while (end_ - begin_ < min_bytes && !eof_) fill();
  return {buffer_.get() + begin_, end_ - begin_};
}

const char* LineReader::find_line_end(std::size_t from) {
  const char* base = buffer_.get();
  for (std::size_t i = from; !line_end_known_ && i < end_; ++i) {
    if (base[i] != '\r' && base[i] != '\n') continue;
    // a '\r' at the end of the data read so far waits for the byte after it
    if (base[i] == '\r' && i + 1 == end_ && !eof_) return nullptr;
    line_end_known_ = true;
    line_end_ = base[i] == '\r' && (i + 1 == end_ || base[i + 1] != '\n') ? '\r' : '\n';
  }
  if (!line_end_known_ || end_ <= from) return nullptr;
  return static_cast<const char*>(std::memchr(base + from, line_end_, end_ - from));
}

void LineReader::zero_padding_after(std::size_t end) {
  if (!hidden_bytes_)
    hidden_bytes_ = std::make_unique_for_overwrite<char[]>(simdjson::SIMDJSON_PADDING);
  std::memcpy(hidden_bytes_.get(), buffer_.get() + end, simdjson::SIMDJSON_PADDING);
  std::memset(buffer_.get() + end, 0, simdjson::SIMDJSON_PADDING);
  zeroed_at_ = end;
  zeroed_ = true;
}

void LineReader::restore_padding() {
  if (!zeroed_) return;
  std::memcpy(buffer_.get() + zeroed_at_, hidden_bytes_.get(), simdjson::SIMDJSON_PADDING);
  zeroed_ = false;
}

bool LineReader::next(Line& line) {
  restore_padding();
  for (;;) {
    const char* base = buffer_.get();
    const char* line_end = find_line_end(begin_ + scanned_);
    // a read error with nothing pending still yields one kReadError line, so it is accounted
    const bool error_pending = eof_ && !source_->error().empty() && !error_reported_;
    if (line_end != nullptr || (eof_ && (end_ > begin_ || skipping_)) || error_pending) {
      const std::size_t stop =
          line_end != nullptr ? static_cast<std::size_t>(line_end - base) : end_;
      line.number = ++line_number_;
      if (skipping_) {
        line.status = Line::Status::kTooLong;
        line.text = {};
        line.length = skipped_ + (stop - begin_);
        skipping_ = false;
        skipped_ = 0;
      } else {
        line.length = stop - begin_;
        line.text = std::string_view(base + begin_, stop - begin_);
        line.status = line.length > max_line_bytes_                      ? Line::Status::kTooLong
                      : line_end == nullptr && !source_->error().empty() ? Line::Status::kReadError
                                                                         : Line::Status::kOk;
        if (line.status == Line::Status::kTooLong) line.text = {};
      }
      if (line_end == nullptr && !source_->error().empty()) {
        error_reported_ = line.status == Line::Status::kReadError;
      }
      begin_ = line_end != nullptr ? stop + 1 : stop;
      scanned_ = 0;
      if (!line.text.empty()) zero_padding_after(stop);
      return true;
    }
    if (eof_) return false;
    scanned_ = end_ - begin_;
    // an undecided trailing '\r' is looked at again once the byte after it is read
    if (!line_end_known_ && scanned_ > 0 && base[end_ - 1] == '\r') --scanned_;
    if (!skipping_ && scanned_ > max_line_bytes_) {
      // drop the line's bytes as they come instead of holding them
      skipping_ = true;
      skipped_ = 0;
    }
    if (skipping_) {
      skipped_ += end_ - begin_;
      begin_ = end_;
      scanned_ = 0;
    }
    fill();
  }
}

}  // namespace crossnews::detail
