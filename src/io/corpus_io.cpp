#include <crossnews/corpus_io.hpp>
#include <crossnews/error.hpp>

#include "io/detail/lines.hpp"
#include "io/detail/records.hpp"
#include "io/detail/utf8.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

namespace crossnews {
namespace {

namespace fs = std::filesystem;

/// Articles appended per next() call by the whole-corpus helpers.
constexpr std::size_t kCorpusBatch = 1 << 16;
/// Smallest read block for small inputs, so tiny files do not get a 16 MB buffer.
constexpr std::size_t kMinBlockBytes = std::size_t{64} << 10;
/// Bytes looked at to tell UTF-16/UTF-32 text from UTF-8.
constexpr std::size_t kEncodingHeadBytes = 16;

/// A descriptor opened once and read later: standard input and FIFOs cannot be opened twice.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~OwnedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

struct Input {
  std::string path;         ///< as given; "-" = standard input
  std::string source_name;  ///< for messages and origins; valid UTF-8
  std::size_t block_bytes = detail::LineReader::kDefaultBlockBytes;
  bool directory = false;
  OwnedFd fd;                              ///< kept open unless a regular file (reopened)
  std::vector<std::string> txt_files;      ///< sorted, for a directory
  std::optional<std::string_view> memory;  ///< parse_jsonl content
  std::uint64_t lines_before = 0;          ///< parse_jsonl: lines of the file before `memory`
};

std::string errno_text() { return std::strerror(errno); }

bool has_txt_extension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext.size() == 4 && ext[0] == '.' && (ext[1] | 0x20) == 't' && (ext[2] | 0x20) == 'x' &&
         (ext[3] | 0x20) == 't';
}

/// Every entry named *.txt, whatever its type: one that cannot be read is rejected, not skipped.
std::vector<std::string> list_txt_files(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;  // (file name, path)
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    if (has_txt_extension(it->path())) {
      files.emplace_back(it->path().filename().string(), it->path().string());
    }
  }
  if (ec) throw IoError("cannot read directory '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<std::string> paths;
  paths.reserve(files.size());
  for (auto& file : files) paths.push_back(std::move(file.second));
  return paths;
}

OwnedFd open_stdin() {
  const auto fail = [](const std::string& why) {
    return IoError("cannot read standard input: " + why);
  };
  OwnedFd fd(::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0));
  if (fd.get() < 0) throw fail(errno_text());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw fail(errno_text());
  if (S_ISDIR(st.st_mode)) throw fail("it is a directory");
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0 && (flags & O_ACCMODE) == O_WRONLY) throw fail("it is open for writing only");
  return fd;
}

Input inspect(const std::string& path) {
  Input in;
  in.path = path;
  if (path == "-") {
    in.source_name = "<stdin>";
    in.fd = open_stdin();
    return in;
  }
  in.source_name = detail::repaired_utf8(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw IoError("cannot open input '" + in.source_name + "': " + errno_text());
  }
  if (S_ISDIR(st.st_mode)) {
    in.directory = true;
    in.txt_files = list_txt_files(path);
    return in;
  }
  // opened now so an unreadable input fails before earlier inputs are processed
  in.fd = OwnedFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd.get() < 0) {
    throw IoError("cannot open input '" + in.source_name + "': " + errno_text());
  }
  if (S_ISREG(st.st_mode)) {
    // reopened when reached, so many input files do not hold many descriptors
    in.fd = OwnedFd();
    if (st.st_size > 0) {
      in.block_bytes = std::clamp<std::size_t>(static_cast<std::size_t>(st.st_size) + 1,
                                               kMinBlockBytes, in.block_bytes);
    }
  }
  return in;
}

/// Why a .txt entry could not be opened.
std::string open_failure(const std::string& path) {
  const int error = errno;
  struct stat st {};
  if (error == ELOOP) return "cannot read file: symbolic link loop";
  if (error == ENOENT && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    return "cannot read file: dangling symbolic link";
  }
  return "cannot read file: " + std::string(std::strerror(error));
}

std::string_view file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "directory";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  return "device";
}

void validate(const ReadOptions& options) {
  if (options.max_record_bytes == 0) throw ConfigError("ReadOptions::max_record_bytes must be > 0");
  if (options.max_article_bytes == 0) {
    throw ConfigError("ReadOptions::max_article_bytes must be > 0");
  }
}

/// One record read: where it came from, and the reject reason if it is not an article.
struct Record {
  std::string_view source;
  std::uint64_t line = 0;
  std::optional<std::string> reason;
};

/// The reading loop shared by ArticleReader and parse_jsonl.
class ReaderEngine {
 public:
  ReaderEngine(std::vector<Input> inputs, const ReadOptions& options)
      : inputs_(std::move(inputs)), options_(options), decoder_(options) {}

  bool next(std::vector<Article>& batch, std::size_t max_articles,
            std::vector<ArticleOrigin>* origins);

  detail::IdRegistry ids;
  std::vector<Rejected> rejected;
  std::vector<InputWarning> warnings;
  std::uint64_t lines_read = 0;
  [[nodiscard]] std::uint64_t bytes_read() const {
    return finished_bytes_ + (lines_ ? lines_->bytes_read() : 0);
  }

 private:
  bool open_next();
  void close_current();
  bool read_record(Article& article, Record& record);
  std::optional<std::string> read_line(const detail::Line& line, const Input& in, Article& article);
  std::optional<std::string> read_txt(const std::string& path, Article& article);
  std::optional<std::string> read_whole_file(int fd);

  std::vector<Input> inputs_;
  ReadOptions options_;
  detail::JsonlDecoder decoder_;
  std::size_t next_input_ = 0;
  Input* current_ = nullptr;
  std::uint32_t source_id_ = 0;
  std::unique_ptr<detail::LineReader> lines_;
  std::optional<std::string> encoding_reject_;  ///< the whole current input is UTF-16/32
  std::size_t txt_index_ = 0;
  std::string txt_source_;
  std::uint64_t finished_bytes_ = 0;
  detail::Notes notes_;
  std::string file_buffer_;
};

std::string wide_text_reason(std::string_view encoding) {
  return std::string(encoding) + " text; convert to UTF-8 (e.g. iconv -f " + std::string(encoding) +
         " -t UTF-8)";
}

bool ReaderEngine::open_next() {
  if (next_input_ == inputs_.size()) return false;
  current_ = &inputs_[next_input_++];
  txt_index_ = 0;
  if (current_->directory) return true;
  source_id_ = ids.add_source(current_->source_name);
  if (current_->memory) {
    const std::size_t block = std::clamp<std::size_t>(current_->memory->size() + 1, 4096,
                                                      detail::LineReader::kDefaultBlockBytes);
    lines_ = std::make_unique<detail::LineReader>(detail::memory_source(*current_->memory), block,
                                                  options_.max_record_bytes);
  } else {
    auto source = current_->fd.get() >= 0
                      ? detail::gzip_or_plain(detail::fd_source(current_->fd.release()))
                      : detail::open_file_source(current_->path);
    lines_ = std::make_unique<detail::LineReader>(std::move(source), current_->block_bytes,
                                                  options_.max_record_bytes);
  }
  const std::string_view encoding = detail::wide_encoding(lines_->head(kEncodingHeadBytes));
  if (!encoding.empty()) encoding_reject_ = wide_text_reason(encoding);
  return true;
}

void ReaderEngine::close_current() {
  if (lines_) finished_bytes_ += lines_->bytes_read();
  lines_.reset();
  encoding_reject_.reset();
  current_ = nullptr;
}

std::optional<std::string> ReaderEngine::read_line(const detail::Line& line, const Input& in,
                                                   Article& article) {
  switch (line.status) {
    case detail::Line::Status::kTooLong:
      return "line of " + std::to_string(line.length) + " bytes exceeds max_record_bytes (" +
             std::to_string(options_.max_record_bytes) + ")";
    case detail::Line::Status::kReadError:
      // the reason says what the error cost: this line, or no line at all
      if (line.text.empty()) return "read error after the last complete line: " + lines_->error();
      return "incomplete line: read error: " + lines_->error() + " (this line's " +
             std::to_string(line.length) + " bytes are rejected)";
    case detail::Line::Status::kOk:
      break;
  }
  return decoder_.decode(line.text, line.number + in.lines_before, in.source_name, article,
                         notes_);
}

std::optional<std::string> ReaderEngine::read_whole_file(int fd) {
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  const std::size_t max = options_.max_record_bytes;
  file_buffer_.clear();
  for (;;) {
    // one byte past max_record_bytes tells an oversized file, without overflowing at SIZE_MAX
    const std::size_t room = max - std::min(max, file_buffer_.size());
    const std::size_t want = room >= kChunk ? kChunk : room + 1;
    const std::size_t old_size = file_buffer_.size();
    file_buffer_.resize(old_size + want);
    const ssize_t n = ::read(fd, file_buffer_.data() + old_size, want);
    if (n < 0 && errno == EINTR) {
      file_buffer_.resize(old_size);
      continue;
    }
    file_buffer_.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0) return "cannot read file: " + errno_text();
    if (n == 0 || file_buffer_.size() > max) break;
  }
  finished_bytes_ += file_buffer_.size();
  if (file_buffer_.size() > max) {
    return "file exceeds max_record_bytes (" + std::to_string(max) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> ReaderEngine::read_txt(const std::string& path, Article& article) {
  // O_NONBLOCK: opening a FIFO named *.txt must not wait for a writer
  const OwnedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) return open_failure(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return "cannot read file: " + errno_text();
  if (!S_ISREG(st.st_mode))
    return "not a regular file (" + std::string(file_kind(st.st_mode)) + ")";
  if (auto failure = read_whole_file(fd.get())) return failure;
  auto reason =
      detail::decode_txt(file_buffer_, fs::path(path).stem().string(), options_, article, notes_);
  if (file_buffer_.capacity() > detail::LineReader::kDefaultBlockBytes) file_buffer_ = {};
  return reason;
}

bool ReaderEngine::read_record(Article& article, Record& record) {
  for (;;) {
    if (current_ == nullptr && !open_next()) return false;
    if (current_->directory) {
      if (txt_index_ < current_->txt_files.size()) {
        const std::string& path = current_->txt_files[txt_index_++];
        txt_source_ = detail::repaired_utf8(path);
        record = {txt_source_, 0, std::nullopt};
        source_id_ = ids.add_source(txt_source_);
        record.reason = read_txt(path, article);
        return true;
      }
    } else if (encoding_reject_) {
      // the whole input is one record: its lines cannot be told apart without decoding it
      record = {current_->source_name, 0, std::move(encoding_reject_)};
      close_current();
      return true;
    } else {
      detail::Line line;
      if (lines_->next(line)) {
        record = {current_->source_name, line.number + current_->lines_before, std::nullopt};
        record.reason = read_line(line, *current_, article);
        return true;
      }
    }
    close_current();
  }
}

bool ReaderEngine::next(std::vector<Article>& batch, std::size_t max_articles,
                        std::vector<ArticleOrigin>* origins) {
  if (max_articles == 0) throw ConfigError("ArticleReader::next: max_articles must be > 0");
  std::size_t added = 0;
  std::size_t rejects = 0;
  Article article;
  Record record;
  while (added < max_articles && rejects < ArticleReader::kMaxRejectsPerCall) {
    notes_.clear();
    if (!read_record(article, record)) break;
    ++lines_read;
    if (!record.reason) record.reason = ids.claim(article.id, source_id_, record.line);
    if (record.reason) {
      rejected.push_back({std::string(record.source), record.line, std::move(*record.reason)});
      ++rejects;
      continue;
    }
    for (std::string& note : notes_) {
      warnings.push_back({std::string(record.source), record.line, std::move(note)});
    }
    if (origins != nullptr) origins->push_back({std::string(record.source), record.line});
    batch.push_back(std::move(article));
    ++added;
  }
  return added + rejects > 0;
}

std::vector<Input> inspect_all(std::span<const std::string> paths, const ReadOptions& options) {
  validate(options);
  std::vector<Input> inputs;
  inputs.reserve(paths.size());
  for (const std::string& path : paths) inputs.push_back(inspect(path));
  return inputs;
}

}  // namespace

struct ArticleReader::Impl {
  ReaderEngine engine;
};

ArticleReader::ArticleReader(std::string input, ReadOptions options)
    : ArticleReader(std::span<const std::string>(&input, 1), options) {}

ArticleReader::ArticleReader(std::span<const std::string> inputs, ReadOptions options)
    : impl_(std::make_unique<Impl>(Impl{ReaderEngine(inspect_all(inputs, options), options)})) {}

bool ArticleReader::next(std::vector<Article>& batch, std::size_t max_articles,
                         std::vector<ArticleOrigin>* origins) {
  return impl_->engine.next(batch, max_articles, origins);
}

std::vector<Rejected>& ArticleReader::rejected() { return impl_->engine.rejected; }
std::vector<InputWarning>& ArticleReader::warnings() { return impl_->engine.warnings; }
std::uint64_t ArticleReader::lines_read() const { return impl_->engine.lines_read; }
std::uint64_t ArticleReader::bytes_read() const { return impl_->engine.bytes_read(); }

Corpus read_corpus(std::span<const std::string> inputs, ReadOptions options) {
  ArticleReader reader(inputs, options);
  Corpus corpus;
  while (reader.next(corpus.articles, kCorpusBatch)) {
  }
  corpus.rejected = std::move(reader.rejected());
  corpus.warnings = std::move(reader.warnings());
  return corpus;
}

void parse_jsonl(std::string_view source_name, std::string_view content, Corpus& out,
                 ReadOptions options, std::uint64_t lines_before,
                 std::vector<ArticleOrigin>* origins) {
  Input input;
  input.source_name = source_name;
  input.memory = content;
  input.lines_before = lines_before;
  std::vector<Input> inputs;
  inputs.push_back(std::move(input));
  validate(options);
  ReaderEngine engine(std::move(inputs), options);
  for (const Article& article : out.articles) engine.ids.reserve_existing(article.id);
  while (engine.next(out.articles, kCorpusBatch, origins)) {
  }
  std::move(engine.rejected.begin(), engine.rejected.end(), std::back_inserter(out.rejected));
  std::move(engine.warnings.begin(), engine.warnings.end(), std::back_inserter(out.warnings));
}

}  // namespace crossnews
