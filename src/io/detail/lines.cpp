#include "io/detail/lines.hpp"

#include <crossnews/error.hpp>

#include <simdjson.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace crossnews::detail {
namespace {

class GzFileSource final : public ByteSource {
 public:
  explicit GzFileSource(const std::string& path) {
    if (path == "-") {
      const int fd = ::dup(STDIN_FILENO);  // gzclose closes it; stdin itself stays open
      file_ = fd < 0 ? nullptr : gzdopen(fd, "rb");
      if (file_ == nullptr && fd >= 0) ::close(fd);
    } else {
      file_ = gzopen(path.c_str(), "rb");
    }
    if (file_ == nullptr) {
      const int err = errno;
      throw IoError("cannot open input '" + path +
                    "': " + (err != 0 ? std::strerror(err) : "out of memory"));
    }
    gzbuffer(file_, 1U << 18);
  }
  GzFileSource(const GzFileSource&) = delete;
  GzFileSource& operator=(const GzFileSource&) = delete;
  ~GzFileSource() override { gzclose(file_); }

  std::size_t read(char* out, std::size_t size) override {
    if (!error_.empty()) return 0;
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size, INT_MAX / 2));
    const int n = gzread(file_, out, chunk);
    if (n >= 0) {
      // a gzip stream cut short reports its error only after handing out what it had
      int code = Z_OK;
      const char* message = gzerror(file_, &code);
      if (n == 0 && code != Z_OK && code != Z_STREAM_END) error_ = message;
      return static_cast<std::size_t>(n);
    }
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    error_ = code == Z_ERRNO ? std::strerror(errno) : message;
    if (error_.empty()) error_ = "read error";
    return 0;
  }

 private:
  gzFile file_ = nullptr;
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

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  return std::make_unique<GzFileSource>(path);
}

std::unique_ptr<ByteSource> memory_source(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
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
    auto grown = std::make_unique<char[]>(capacity + simdjson::SIMDJSON_PADDING);
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

bool LineReader::next(Line& line) {
  for (;;) {
    const char* base = buffer_.get();
    const std::size_t from = begin_ + scanned_;
    const void* newline = end_ > from ? std::memchr(base + from, '\n', end_ - from) : nullptr;
    // a read error with nothing pending still yields one kReadError line, so it is accounted
    const bool error_pending = eof_ && !source_->error().empty() && !error_reported_;
    if (newline != nullptr || (eof_ && (end_ > begin_ || skipping_)) || error_pending) {
      const std::size_t stop =
          newline != nullptr ? static_cast<std::size_t>(static_cast<const char*>(newline) - base)
                             : end_;
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
        line.status = line.length > max_line_bytes_                     ? Line::Status::kTooLong
                      : newline == nullptr && !source_->error().empty() ? Line::Status::kReadError
                                                                        : Line::Status::kOk;
        if (line.status == Line::Status::kTooLong) line.text = {};
      }
      if (newline == nullptr && !source_->error().empty()) {
        error_reported_ = line.status == Line::Status::kReadError;
      }
      begin_ = newline != nullptr ? stop + 1 : stop;
      scanned_ = 0;
      return true;
    }
    if (eof_) return false;
    scanned_ = end_ - begin_;
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
