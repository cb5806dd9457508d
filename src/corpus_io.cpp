#include <crossnews/corpus_io.hpp>
#include <crossnews/error.hpp>

#include "detail/io_lines.hpp"
#include "detail/io_records.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
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

struct Input {
  std::string path;         ///< as given; "-" = standard input
  std::string source_name;  ///< for messages and origins
  std::size_t block_bytes = detail::LineReader::kDefaultBlockBytes;
  bool directory = false;
  std::vector<std::string> txt_files;      ///< sorted, for a directory
  std::optional<std::string_view> memory;  ///< parse_jsonl content
  std::uint64_t lines_before = 0;          ///< parse_jsonl: lines of the file before `memory`
};

std::string error_text(const std::error_code& ec) {
  return ec ? ec.message() : std::string("no such file or directory");
}

bool has_txt_extension(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext.size() == 4 && ext[0] == '.' && (ext[1] | 0x20) == 't' && (ext[2] | 0x20) == 'x' &&
         (ext[3] | 0x20) == 't';
}

std::vector<std::string> list_txt_files(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;  // (file name, path)
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && has_txt_extension(it->path())) {
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

Input inspect(const std::string& path) {
  Input in;
  in.path = path;
  if (path == "-") {
    in.source_name = "<stdin>";
    return in;
  }
  in.source_name = path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) throw IoError("cannot open input '" + path + "': " + error_text(ec));
  if (fs::is_directory(status)) {
    in.directory = true;
    in.txt_files = list_txt_files(path);
    return in;
  }
  // fail on an unreadable file now rather than after earlier inputs were processed
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw IoError("cannot open input '" + path + "': " + std::strerror(errno));
  }
  std::fclose(file);
  const std::uintmax_t size = fs::is_regular_file(status) ? fs::file_size(path, ec) : 0;
  if (!ec && size > 0) {
    in.block_bytes = std::clamp<std::size_t>(size + 1, kMinBlockBytes, in.block_bytes);
  }
  return in;
}

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
  std::optional<std::string> read_line(const detail::Line& line, const Input& in, Article& article);
  std::optional<std::string> read_txt(const std::string& path, Article& article);

  std::vector<Input> inputs_;
  ReadOptions options_;
  detail::JsonlDecoder decoder_;
  std::size_t next_input_ = 0;
  const Input* current_ = nullptr;
  std::uint32_t source_id_ = 0;
  std::unique_ptr<detail::LineReader> lines_;
  std::size_t txt_index_ = 0;
  std::uint64_t finished_bytes_ = 0;
  detail::Notes notes_;
  std::string file_buffer_;
};

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
    lines_ = std::make_unique<detail::LineReader>(detail::open_file_source(current_->path),
                                                  current_->block_bytes, options_.max_record_bytes);
  }
  return true;
}

void ReaderEngine::close_current() {
  if (lines_) finished_bytes_ += lines_->bytes_read();
  lines_.reset();
  current_ = nullptr;
}

std::optional<std::string> ReaderEngine::read_line(const detail::Line& line, const Input& in,
                                                   Article& article) {
  switch (line.status) {
    case detail::Line::Status::kTooLong:
      return "line of " + std::to_string(line.length) + " bytes exceeds max_record_bytes (" +
             std::to_string(options_.max_record_bytes) + ")";
    case detail::Line::Status::kReadError:
      return "incomplete line: read error: " + lines_->error();
    case detail::Line::Status::kOk:
      break;
  }
  return decoder_.decode(line.text, line.number + in.lines_before, in.source_name, article, notes_);
}

std::optional<std::string> ReaderEngine::read_txt(const std::string& path, Article& article) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return "cannot read file: " + std::string(std::strerror(errno));
  file_buffer_.clear();
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  bool failed = false;
  while (file_buffer_.size() <= options_.max_record_bytes) {
    const std::size_t old_size = file_buffer_.size();
    const std::size_t want = std::min(kChunk, options_.max_record_bytes + 1 - old_size);
    file_buffer_.resize(old_size + want);
    const std::size_t n = std::fread(file_buffer_.data() + old_size, 1, want, file);
    file_buffer_.resize(old_size + n);
    if (n < want) {
      failed = std::ferror(file) != 0;
      break;
    }
  }
  const int read_errno = errno;
  std::fclose(file);
  finished_bytes_ += file_buffer_.size();
  if (failed) return "cannot read file: " + std::string(std::strerror(read_errno));
  if (file_buffer_.size() > options_.max_record_bytes) {
    return "file exceeds max_record_bytes (" + std::to_string(options_.max_record_bytes) + ")";
  }
  auto reason =
      detail::decode_txt(file_buffer_, fs::path(path).stem().string(), options_, article, notes_);
  if (file_buffer_.capacity() > detail::LineReader::kDefaultBlockBytes) file_buffer_ = {};
  return reason;
}

bool ReaderEngine::next(std::vector<Article>& batch, std::size_t max_articles,
                        std::vector<ArticleOrigin>* origins) {
  if (max_articles == 0) throw ConfigError("ArticleReader::next: max_articles must be > 0");
  std::size_t added = 0;
  Article article;
  while (added < max_articles) {
    if (current_ == nullptr && !open_next()) break;
    notes_.clear();
    std::string_view source;
    std::uint64_t line_number = 0;
    std::optional<std::string> reason;
    if (current_->directory) {
      if (txt_index_ == current_->txt_files.size()) {
        close_current();
        continue;
      }
      const std::string& path = current_->txt_files[txt_index_++];
      source = path;
      source_id_ = ids.add_source(path);
      reason = read_txt(path, article);
    } else {
      detail::Line line;
      if (!lines_->next(line)) {
        close_current();
        continue;
      }
      source = current_->source_name;
      line_number = line.number + current_->lines_before;
      reason = read_line(line, *current_, article);
    }
    ++lines_read;
    if (!reason) reason = ids.claim(article.id, source_id_, line_number);
    if (reason) {
      rejected.push_back({std::string(source), line_number, std::move(*reason)});
      continue;
    }
    for (std::string& note : notes_) {
      warnings.push_back({std::string(source), line_number, std::move(note)});
    }
    if (origins != nullptr) origins->push_back({std::string(source), line_number});
    batch.push_back(std::move(article));
    ++added;
  }
  return added > 0;
}

std::vector<Input> inspect_all(std::span<const std::string> paths) {
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
    : impl_(std::make_unique<Impl>(Impl{ReaderEngine(inspect_all(inputs), options)})) {}

ArticleReader::ArticleReader(ArticleReader&&) noexcept = default;
ArticleReader& ArticleReader::operator=(ArticleReader&&) noexcept = default;
ArticleReader::~ArticleReader() = default;

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
  ReaderEngine engine(std::move(inputs), options);
  for (const Article& article : out.articles) engine.ids.reserve_existing(article.id);
  while (engine.next(out.articles, kCorpusBatch, origins)) {
  }
  std::move(engine.rejected.begin(), engine.rejected.end(), std::back_inserter(out.rejected));
  std::move(engine.warnings.begin(), engine.warnings.end(), std::back_inserter(out.warnings));
}

}  // namespace crossnews
