#include <crossnews/error.hpp>
#include <crossnews/freedict.hpp>
#include <crossnews/lexicon.hpp>

#include "lexicon/detail/freedict_entry.hpp"
#include "lexicon/detail/text.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

namespace crossnews {
namespace {

// dictd writes offsets and lengths as big-endian base-64 numbers without padding.
constexpr std::string_view kBase64Digits =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_base64_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& value : table) value = -1;
  for (std::size_t i = 0; i < kBase64Digits.size(); ++i) {
    table[static_cast<unsigned char>(kBase64Digits[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr auto kBase64Table = make_base64_table();

// Body bytes are inflated in pieces of this size while walking the entries in offset order.
constexpr std::size_t kReadChunk = 1 << 20;

[[noreturn]] void format_error(const std::string& file, std::uint64_t line,
                               const std::string& what) {
  throw FormatError(file + ":" + std::to_string(line) + ": " + what);
}

std::uint64_t decode_base64(std::string_view digits, const std::string& file, std::uint64_t line,
                            std::string_view field) {
  // 10 digits hold 60 bits; more could overflow and no dictionary is that large.
  if (digits.empty() || digits.size() > 10) {
    format_error(file, line, "bad base64 " + std::string(field) + " '" + std::string(digits) + "'");
  }
  std::uint64_t value = 0;
  for (const char c : digits) {
    const int digit = kBase64Table[static_cast<unsigned char>(c)];
    if (digit < 0) {
      format_error(file, line,
                   "bad base64 " + std::string(field) + " '" + std::string(digits) + "'");
    }
    value = value * 64 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

struct IndexRecord {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t line = 0;
  std::string_view headword;
};

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + path);
  return std::move(buffer).str();
}

std::vector<IndexRecord> parse_index(std::string_view text, const std::string& file) {
  std::vector<IndexRecord> records;
  std::uint64_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      format_error(file, line_no, "expected headword, offset and length separated by tabs");
    }
    std::size_t tab3 = line.find('\t', tab2 + 1);
    if (tab3 == std::string_view::npos) tab3 = line.size();
    IndexRecord record;
    record.headword = line.substr(0, tab1);
    record.offset = decode_base64(line.substr(tab1 + 1, tab2 - tab1 - 1), file, line_no, "offset");
    record.length = decode_base64(line.substr(tab2 + 1, tab3 - tab2 - 1), file, line_no, "length");
    record.line = line_no;
    if (record.headword.starts_with("00database") || record.headword.starts_with("00-database")) {
      continue;
    }
    records.push_back(record);
  }
  return records;
}

struct GzCloser {
  void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

/// Streams the dictionary body once, front to back, keeping only the bytes from the entry being
/// parsed onwards: the index is walked in offset order, so memory stays near one read chunk even
/// for the 90 MB Ding bodies, and no dictzip chunk table is needed.
class BodyReader {
 public:
  explicit BodyReader(std::string path) : path_(std::move(path)) {
    file_.reset(gzopen(path_.c_str(), "rb"));
    if (!file_) throw IoError("cannot open " + path_);
    gzbuffer(file_.get(), 256 * 1024);
  }

  /// The body bytes of `record`; records must come in ascending offset order.
  std::string_view get(const IndexRecord& record, const std::string& index_file) {
    // Drop what lies before this entry once that is worth the move.
    if (record.offset - start_ > kReadChunk || record.offset >= start_ + buffer_.size()) {
      discard_to(record, index_file);
    }
    const std::uint64_t end = record.offset + record.length;
    while (start_ + buffer_.size() < end) {
      if (!fill()) beyond_end(record, index_file);
    }
    return std::string_view(buffer_).substr(static_cast<std::size_t>(record.offset - start_),
                                            static_cast<std::size_t>(record.length));
  }

 private:
  void discard_to(const IndexRecord& record, const std::string& index_file) {
    while (start_ + buffer_.size() < record.offset) {
      start_ += buffer_.size();
      buffer_.clear();
      if (!fill()) beyond_end(record, index_file);
    }
    const auto n = static_cast<std::size_t>(record.offset - start_);
    buffer_.erase(0, n);
    start_ += n;
  }

  [[noreturn]] void beyond_end(const IndexRecord& record, const std::string& index_file) const {
    format_error(index_file, record.line,
                 "entry at offset " + std::to_string(record.offset) + " with length " +
                     std::to_string(record.length) + " lies beyond the end of " + path_ + " (" +
                     std::to_string(start_ + buffer_.size()) + " bytes)");
  }

  // Appends one chunk; false at the end of the body. Throws FormatError for corrupt gzip data.
  bool fill() {
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadChunk);
    const int n = gzread(file_.get(), buffer_.data() + old_size, kReadChunk);
    int code = Z_OK;
    const char* message = gzerror(file_.get(), &code);
    if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      buffer_.resize(old_size);
      throw FormatError(path_ + ": corrupt or truncated compressed data after byte " +
                        std::to_string(start_ + old_size) + ": " +
                        (message != nullptr ? message : "unknown zlib error"));
    }
    buffer_.resize(old_size + static_cast<std::size_t>(n));
    return n > 0;
  }

  std::string path_;
  GzFile file_;
  std::string buffer_;
  std::uint64_t start_ = 0;  // body offset of buffer_[0]
};

std::string body_path_for(const std::string& index_path) {
  std::string base = index_path;
  if (base.ends_with(".index")) base.resize(base.size() - 6);
  for (const char* suffix : {".dict.dz", ".dict"}) {
    std::error_code ec;
    if (std::filesystem::exists(base + suffix, ec)) return base + suffix;
  }
  throw IoError("no dictionary body " + base + ".dict.dz or " + base + ".dict next to " +
                index_path);
}

std::string language_from_code(std::string_view code) {
  if (const auto iso1 = iso639_1_from_3(code); !iso1.empty()) return std::string(iso1);
  if (detail::is_language_code(code)) return std::string(code);
  return {};
}

void resolve_languages(const std::string& index_path, const FreeDictOptions& options,
                       FreeDict& dict) {
  dict.lang_from = options.lang_from;
  dict.lang_to = options.lang_to;
  if (!dict.lang_from.empty() && !dict.lang_to.empty()) return;
  // freedict-deu-ita.index: the last two dash-separated parts of the name.
  std::string name = std::filesystem::path(index_path).filename().string();
  if (name.ends_with(".index")) name.resize(name.size() - 6);
  const std::size_t dash2 = name.rfind('-');
  const std::size_t dash1 =
      dash2 == std::string::npos || dash2 == 0 ? std::string::npos : name.rfind('-', dash2 - 1);
  std::string from;
  std::string to;
  if (dash2 != std::string::npos) {
    const std::size_t from_begin = dash1 == std::string::npos ? 0 : dash1 + 1;
    from = language_from_code(std::string_view(name).substr(from_begin, dash2 - from_begin));
    to = language_from_code(std::string_view(name).substr(dash2 + 1));
  }
  if (dict.lang_from.empty()) dict.lang_from = from;
  if (dict.lang_to.empty()) dict.lang_to = to;
  if (dict.lang_from.empty() || dict.lang_to.empty()) {
    throw InputError("cannot tell the languages of " + index_path +
                     " from its name (expected freedict-<from>-<to>.index with ISO 639 codes); "
                     "set FreeDictOptions::lang_from and lang_to");
  }
}

}  // namespace

std::string_view iso639_1_from_3(std::string_view iso639_3) {
  for (const auto& code : detail::language_codes()) {
    if (code.iso639_3 == iso639_3) return code.iso639_1;
  }
  return {};
}

FreeDict read_freedict(const std::string& index_path, const FreeDictOptions& options) {
  FreeDict dict;
  resolve_languages(index_path, options, dict);
  const std::string index_text = read_whole_file(index_path);
  std::vector<IndexRecord> records = parse_index(index_text, index_path);
  std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length < b.length;
  });
  // Several index lines may point at one body entry (spelling variants of a headword).
  records.erase(std::unique(records.begin(), records.end(),
                            [](const auto& a, const auto& b) {
                              return a.offset == b.offset && a.length == b.length;
                            }),
                records.end());

  BodyReader body(body_path_for(index_path));
  detail::EntryParser parser(options.max_words);
  for (const auto& record : records) {
    DictEntry entry = parser.parse(body.get(record, index_path), record.headword);
    if (!entry.headword.empty() && !entry.translations.empty()) {
      dict.entries.push_back(std::move(entry));
    }
  }
  return dict;
}

std::vector<std::string> find_freedicts(const std::string& dir) {
  namespace fs = std::filesystem;
  // Absent is absent; any other failure to look (EACCES, EIO) is an IoError, so that no
  // dictionary is ever left out in silence.
  const auto present = [](const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found) return false;
    if (ec) throw IoError("cannot look at " + path + ": " + ec.message());
    return true;
  };
  if (!present(dir)) return {};
  std::vector<std::string> found;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string path = it->path().string();
    const std::string name = it->path().filename().string();
    if (!name.starts_with("freedict-") || !name.ends_with(".index")) continue;
    try {
      FreeDict languages;
      resolve_languages(path, {}, languages);
    } catch (const InputError&) {
      continue;  // languages without an ISO 639-1 code
    }
    const std::string base = path.substr(0, path.size() - std::string_view(".index").size());
    if (present(base + ".dict.dz") || present(base + ".dict")) found.push_back(path);
  }
  if (ec) throw IoError("cannot list the dictionaries in " + dir + ": " + ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

void write_pairs_tsv(std::ostream& out, const FreeDict& dict) {
  const float weight = LexiconOptions{}.freedict_weight;
  for (const auto& entry : dict.entries) {
    for (const auto& translation : entry.translations) {
      out << dict.lang_from << '\t' << entry.headword << '\t' << dict.lang_to << '\t' << translation
          << '\t' << weight << '\t' << to_string(LinkSource::freedict) << '\n';
    }
  }
}

}  // namespace crossnews
