#include "detail/io_records.hpp"

#include "detail/io_fields.hpp"
#include "detail/io_utf8.hpp"

#include <cmath>
#include <cstring>

namespace crossnews::detail {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Python's bytes.strip() set; the reference tools treat such lines as blank.
constexpr std::string_view kBlank = " \t\n\r\v\f";

bool is_blank(std::string_view s) { return s.find_first_not_of(kBlank) == std::string_view::npos; }

std::string type_reason(std::string_view field, std::string_view wanted,
                        simdjson::dom::element value) {
  return "field '" + std::string(field) + "' is not a " + std::string(wanted) + " (found " +
         std::string(json_type_name(value)) + ")";
}

void read_lang(simdjson::dom::element value, Article& out, Notes& notes) {
  if (value.is_null()) return;
  if (!value.is_string()) {
    notes.push_back("field 'lang' is not a string (found " + std::string(json_type_name(value)) +
                    "); dropped");
    return;
  }
  const std::string_view tag = value.get_string().value_unsafe();
  if (tag.empty()) return;
  const std::string_view code = iso639_1_code(tag);
  if (code.empty()) {
    notes.push_back("lang " + quote_for_message(tag) + " is not an ISO 639-1 code; dropped");
    return;
  }
  out.lang = code;
}

void read_time(simdjson::dom::element value, Article& out, Notes& notes) {
  using Type = simdjson::dom::element_type;
  std::optional<std::int64_t> seconds;
  std::string shown;
  switch (value.type()) {
    case Type::NULL_VALUE:
      return;
    case Type::STRING: {
      const std::string_view text = value.get_string().value_unsafe();
      seconds = parse_iso8601(text);
      shown = quote_for_message(text);
      break;
    }
    case Type::INT64:
      seconds = value.get_int64().value_unsafe();
      break;
    case Type::DOUBLE: {
      const double d = std::floor(value.get_double().value_unsafe());
      // doubles beyond the plausible range are rejected below without converting them
      if (std::abs(d) < 1e15) seconds = static_cast<std::int64_t>(d);
      break;
    }
    default:
      break;
  }
  if (shown.empty()) {
    append_python_str(value, shown);
    if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
  }
  if (!seconds || !epoch_seconds_plausible(*seconds)) {
    notes.push_back("time " + shown +
                    " is not an ISO 8601 date/time or epoch seconds in years 0000-9999; dropped");
    return;
  }
  out.time = *seconds;
}

/// Copies text into out, cut to max_article_bytes at a code point boundary, so a huge text is
/// never copied whole.
void assign_text(std::string_view text, const ReadOptions& options, std::string& out,
                 Notes& notes) {
  if (text.size() > options.max_article_bytes) {
    const std::size_t size = text.size();
    text = text.substr(0, utf8_prefix_length(text, options.max_article_bytes));
    notes.push_back("text truncated from " + std::to_string(size) + " to " +
                    std::to_string(text.size()) + " bytes (max_article_bytes)");
  }
  out.assign(text);
}

// Lines longer than this release the parser's and the repair buffer's memory afterwards.
constexpr std::size_t kReleaseAbove = std::size_t{16} << 20;

}  // namespace

std::optional<std::string> JsonlDecoder::decode(std::string_view line, std::uint64_t line_number,
                                                std::string_view source, Article& out,
                                                Notes& notes) {
  if (line_number == 1 && line.starts_with(kBom)) line.remove_prefix(kBom.size());
  if (is_blank(line)) return "blank line";
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    return "NUL byte at byte " + std::to_string(static_cast<const char*>(nul) - line.data() + 1);
  }
  simdjson::dom::element root;
  auto error = parser_.parse(line.data(), line.size(), false).get(root);
  if (error) {
    const Utf8Scan scan = scan_utf8(line);
    if (scan.invalid_sequences == 0) {
      return "malformed JSON: " + std::string(simdjson::error_message(error));
    }
    if (!options_.repair_utf8) {
      return "invalid UTF-8 at byte " + std::to_string(scan.first_invalid + 1);
    }
    repaired_.clear();
    append_repaired_utf8(line, repaired_);
    const std::size_t size = repaired_.size();
    repaired_.append(simdjson::SIMDJSON_PADDING, '\0');
    error = parser_.parse(repaired_.data(), size, false).get(root);
    if (error) return "malformed JSON: " + std::string(simdjson::error_message(error));
    notes.push_back(std::to_string(scan.invalid_sequences) +
                    " invalid UTF-8 sequence(s) replaced by U+FFFD");
  }
  if (!root.is_object()) {
    return "not a JSON object (found " + std::string(json_type_name(root)) + ")";
  }
  auto reason = decode_object(root.get_object().value_unsafe(), line_number, source, out, notes);
  if (line.size() > kReleaseAbove) {
    parser_ = simdjson::dom::parser{};
    repaired_ = std::string{};
  }
  return reason;
}

std::optional<std::string> JsonlDecoder::decode_object(simdjson::dom::object object,
                                                       std::uint64_t line_number,
                                                       std::string_view source, Article& out,
                                                       Notes& notes) {
  // the last occurrence of a key wins, as with Python's json module
  std::optional<simdjson::dom::element> id, text, title, lang, time, story;
  for (simdjson::dom::key_value_pair field : object) {
    const std::string_view key = field.key;
    if (key == "id")
      id = field.value;
    else if (key == "text")
      text = field.value;
    else if (key == "title")
      title = field.value;
    else if (key == "lang")
      lang = field.value;
    else if (key == "time")
      time = field.value;
    else if (key == "story")
      story = field.value;
  }
  if (!text) return "missing field 'text'";
  if (!text->is_string()) return type_reason("text", "string", *text);
  if (title && !title->is_null() && !title->is_string()) {
    return type_reason("title", "string", *title);
  }
  out = Article{};
  if (!id || id->is_null()) {
    out.id.assign(source).append(":").append(std::to_string(line_number));
  } else if (id->is_string() || id->is_number()) {
    append_python_str(*id, out.id);
  } else {
    return type_reason("id", "string or number", *id);
  }
  assign_text(text->get_string().value_unsafe(), options_, out.text, notes);
  if (title && title->is_string()) out.title = title->get_string().value_unsafe();
  if (lang) read_lang(*lang, out, notes);
  if (time) read_time(*time, out, notes);
  if (story && !story->is_null()) append_python_str(*story, out.story);
  return check_article(out);
}

std::optional<std::string> decode_txt(std::string_view content, std::string_view stem,
                                      const ReadOptions& options, Article& out, Notes& notes) {
  if (const std::string_view encoding = wide_encoding(content); !encoding.empty()) {
    return std::string(encoding) + " text; convert to UTF-8 (e.g. iconv -f " +
           std::string(encoding) + " -t UTF-8)";
  }
  if (std::memchr(content.data(), '\0', content.size()) != nullptr) return "binary file";
  if (content.starts_with(kBom)) content.remove_prefix(kBom.size());
  const Utf8Scan scan = scan_utf8(content);
  if (scan.invalid_bytes * 10 > content.size()) return "binary file";
  std::string repaired;
  if (scan.invalid_sequences > 0) {
    if (!options.repair_utf8) {
      return "invalid UTF-8 at byte " + std::to_string(scan.first_invalid + 1);
    }
    append_repaired_utf8(content, repaired);
    content = repaired;
    notes.push_back(std::to_string(scan.invalid_sequences) +
                    " invalid UTF-8 sequence(s) replaced by U+FFFD");
  }
  out = Article{};
  out.id = repaired_utf8(stem);
  if (out.id != stem) {
    notes.push_back("file name is not valid UTF-8; the id has U+FFFD for its invalid bytes");
  }
  // the title ends at the first line end: "\n", "\r\n" or a lone "\r" (old Mac files)
  const std::size_t eol = content.find_first_of("\r\n");
  out.title = content.substr(0, eol);
  if (eol != std::string_view::npos) {
    const bool crlf = content[eol] == '\r' && eol + 1 < content.size() && content[eol + 1] == '\n';
    assign_text(content.substr(eol + (crlf ? 2 : 1)), options, out.text, notes);
  }
  return check_article(out);
}

std::optional<std::string> check_article(const Article& article) {
  if (article.id.empty()) return "empty id";
  if (article.id.find_first_of("\t\n\r") != std::string::npos) {
    return "id contains tab or newline";
  }
  if (is_blank(article.title) && is_blank(article.text)) {
    return "empty article (no title and no text)";
  }
  return std::nullopt;
}

std::uint32_t IdRegistry::add_source(std::string name) {
  sources_.push_back(std::move(name));
  return static_cast<std::uint32_t>(sources_.size() - 1);
}

std::optional<std::string> IdRegistry::claim(const std::string& id, std::uint32_t source,
                                             std::uint64_t line) {
  const auto [it, inserted] = first_.try_emplace(id, First{source, line});
  if (inserted) return std::nullopt;
  const First first = it->second;
  std::string where;
  if (first.source == kExisting) {
    where = "already in the corpus";
  } else if (first.line == 0) {
    where = "first in " + sources_[first.source];
  } else if (first.source == source) {
    where = "first at line " + std::to_string(first.line);
  } else {
    where = "first at " + sources_[first.source] + ":" + std::to_string(first.line);
  }
  return "duplicate id " + quote_for_message(id) + " (" + where + ")";
}

void IdRegistry::reserve_existing(std::string_view id) {
  first_.try_emplace(std::string(id), First{kExisting, 0});
}

}  // namespace crossnews::detail
