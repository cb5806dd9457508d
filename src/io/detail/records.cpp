#include "io/detail/records.hpp"

#include "io/detail/fields.hpp"
#include "io/detail/utf8.hpp"

#include <cmath>
#include <cstring>

namespace crossnews::detail {
namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Python's bytes.strip() set; the reference tools treat such lines as blank.
constexpr std::string_view kBlank = " \t\n\r\v\f";
// Nesting deeper than this is malformed, as in simdjson's DOM parser and Python's json.
constexpr int kMaxDepth = 1024;
// A story that is an array or object is rendered through a small DOM; larger ones are refused
// so that a line's memory stays bounded.
constexpr std::size_t kMaxStoryJsonBytes = std::size_t{1} << 20;
// Lines longer than this release the parsers' and the repair buffer's memory afterwards.
constexpr std::size_t kReleaseAbove = std::size_t{16} << 20;

bool is_blank(std::string_view s) { return s.find_first_not_of(kBlank) == std::string_view::npos; }

std::string type_reason(std::string_view field, std::string_view wanted, const FieldValue& value) {
  return "field '" + std::string(field) + "' is not a " + std::string(wanted) + " (found " +
         std::string(json_type_name(value.type)) + ")";
}

/// A boolean; "tru" and the like are reported as the atom errors the DOM parser gives.
error_code read_bool(od::value& value, bool& out) {
  const error_code error = value.get_bool().get(out);
  if (error != simdjson::INCORRECT_TYPE) return error;
  return value.raw_json_token().starts_with('t') ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
}

error_code read_null(od::value& value) {
  bool is_null = false;
  if (const error_code error = value.is_null().get(is_null)) return error;
  return is_null ? SUCCESS : simdjson::N_ATOM_ERROR;
}

/// Reads a value whole, so malformed JSON anywhere in a line is found without building a tree.
error_code check_value(od::value value, int depth) {
  od::json_type type{};
  if (const error_code error = value.type().get(type)) return error;
  if ((type == od::json_type::array || type == od::json_type::object) && depth >= kMaxDepth) {
    return simdjson::DEPTH_ERROR;
  }
  switch (type) {
    case od::json_type::array: {
      od::array array;
      if (const error_code error = value.get_array().get(array)) return error;
      for (auto item : array) {
        od::value element;
        if (error_code error = item.get(element);
            error || (error = check_value(element, depth + 1))) {
          return error;
        }
      }
      return SUCCESS;
    }
    case od::json_type::object: {
      od::object object;
      if (const error_code error = value.get_object().get(object)) return error;
      for (auto field : object) {
        od::value member;
        if (error_code error = field.unescaped_key().error();
            error || (error = field.value().get(member)) ||
            (error = check_value(member, depth + 1))) {
          return error;
        }
      }
      return SUCCESS;
    }
    case od::json_type::number:
      return value.get_number().error();
    case od::json_type::string:
      return value.get_string().error();
    case od::json_type::boolean: {
      bool ignored = false;
      return read_bool(value, ignored);
    }
    case od::json_type::null:
      return read_null(value);
  }
  return simdjson::INCORRECT_TYPE;
}

/// Reads a known field's value into out (the JSON text of an array or object, checked whole).
error_code read_field(od::value value, od::document& doc, std::string_view line, FieldValue& out) {
  out = FieldValue{};
  out.present = true;
  if (const error_code error = value.type().get(out.type)) return error;
  switch (out.type) {
    case od::json_type::string:
      return value.get_string().get(out.string);
    case od::json_type::number: {
      od::number number;
      const error_code error = value.get_number().get(number);
      if (!error) out.number = number;
      return error;
    }
    case od::json_type::boolean:
      return read_bool(value, out.boolean);
    case od::json_type::null:
      return read_null(value);
    case od::json_type::array:
    case od::json_type::object:
      break;
  }
  const char* begin = nullptr;
  if (const error_code error = value.current_location().get(begin)) return error;
  if (const error_code error = check_value(value, 1)) return error;
  const char* end = nullptr;
  if (doc.current_location().get(end) != SUCCESS) end = line.data() + line.size();
  out.raw = std::string_view(begin, static_cast<std::size_t>(end - begin));
  out.raw = out.raw.substr(0, out.raw.find_last_not_of(kBlank) + 1);
  return SUCCESS;
}

void read_lang(const FieldValue& value, Article& out, Notes& notes) {
  if (value.type == od::json_type::null) return;
  if (value.type != od::json_type::string) {
    notes.push_back("field 'lang' is not a string (found " +
                    std::string(json_type_name(value.type)) + "); dropped");
    return;
  }
  if (value.string.empty()) return;
  const std::string_view code = iso639_1_code(value.string);
  if (code.empty()) {
    notes.push_back("lang " + quote_for_message(value.string) +
                    " is not an ISO 639-1 code; dropped");
    return;
  }
  out.lang = code;
}

/// Epoch seconds of a time field, if it is an ISO 8601 string or a number.
std::optional<std::int64_t> time_seconds(const FieldValue& value) {
  if (value.type == od::json_type::string) return parse_iso8601(value.string);
  if (!value.number) return std::nullopt;
  switch (value.number->get_number_type()) {
    case od::number_type::signed_integer:
      return value.number->get_int64();
    case od::number_type::floating_point_number: {
      const double d = std::floor(value.number->get_double());
      // doubles beyond the plausible range are rejected without converting them
      if (std::abs(d) < 1e15) return static_cast<std::int64_t>(d);
      return std::nullopt;
    }
    case od::number_type::unsigned_integer:
      return std::nullopt;
  }
  return std::nullopt;
}

void read_time(const FieldValue& value, Article& out, Notes& notes) {
  if (value.type == od::json_type::null) return;
  const std::optional<std::int64_t> seconds = time_seconds(value);
  if (seconds && epoch_seconds_plausible(*seconds)) {
    out.time = *seconds;
    return;
  }
  std::string shown;
  if (value.type == od::json_type::string) {
    shown = quote_for_message(value.string);
  } else if (value.number) {
    append_python_number(*value.number, shown);
  } else if (value.type == od::json_type::boolean) {
    shown = value.boolean ? "True" : "False";
  } else {
    shown = value.raw.size() > 40 ? std::string(value.raw.substr(0, 40)) + "..."
                                  : std::string(value.raw);
  }
  notes.push_back("time " + shown +
                  " is not an ISO 8601 date/time or epoch seconds in years 0000-9999; dropped");
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

}  // namespace

error_code JsonlDecoder::read_root_object(od::document& doc) {
  od::object object;
  if (const error_code error = doc.get_object().get(object)) return error;
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (error_code error = field.unescaped_key().get(key);
        error || (error = field.value().get(value))) {
      return error;
    }
    // the last occurrence of a key wins, as with Python's json module
    FieldValue* known = key == "id"      ? &fields_.id
                        : key == "text"  ? &fields_.text
                        : key == "title" ? &fields_.title
                        : key == "lang"  ? &fields_.lang
                        : key == "time"  ? &fields_.time
                        : key == "story" ? &fields_.story
                                         : nullptr;
    const error_code error =
        known != nullptr ? read_field(value, doc, current_line_, *known) : check_value(value, 1);
    if (error) return error;
  }
  return SUCCESS;
}

error_code JsonlDecoder::read_line(std::string_view padded_line) {
  fields_ = LineFields{};
  current_line_ = padded_line;
  od::document doc;
  const simdjson::padded_string_view input(padded_line.data(), padded_line.size(),
                                           padded_line.size() + simdjson::SIMDJSON_PADDING);
  if (const error_code error = parser_.iterate(input).get(doc)) return error;
  if (const error_code error = doc.type().get(root_type_)) return error;
  error_code error = SUCCESS;
  if (root_type_ == od::json_type::object) {
    error = read_root_object(doc);
  } else if (root_type_ == od::json_type::array) {
    od::value value;
    error = doc.get_value().get(value);
    if (!error) error = check_value(value, 0);
  } else if (root_type_ == od::json_type::number) {
    error = doc.get_number().error();
  } else if (root_type_ == od::json_type::string) {
    error = doc.get_string().error();
  } else if (root_type_ == od::json_type::boolean) {
    error = doc.get_bool().error();
  } else {
    bool is_null = false;
    error = doc.is_null().get(is_null);
    if (!error && !is_null) error = simdjson::N_ATOM_ERROR;
  }
  if (error) return error;
  const char* rest = nullptr;
  // anything after the root value is malformed
  return doc.current_location().get(rest) == simdjson::OUT_OF_BOUNDS ? SUCCESS
                                                                     : simdjson::TRAILING_CONTENT;
}

std::optional<std::string> JsonlDecoder::decode(std::string_view line, std::uint64_t line_number,
                                                std::string_view source, Article& out,
                                                Notes& notes) {
  if (line_number == 1 && line.starts_with(kBom)) line.remove_prefix(kBom.size());
  if (is_blank(line)) return "blank line";
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    return "NUL byte at byte " + std::to_string(static_cast<const char*>(nul) - line.data() + 1);
  }
  error_code error = read_line(line);
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
    error = read_line(std::string_view(repaired_.data(), size));
    if (error) return "malformed JSON: " + std::string(simdjson::error_message(error));
    notes.push_back(std::to_string(scan.invalid_sequences) +
                    " invalid UTF-8 sequence(s) replaced by U+FFFD");
  }
  auto reason = root_type_ == od::json_type::object
                    ? make_article(line_number, source, out, notes)
                    : "not a JSON object (found " + std::string(json_type_name(root_type_)) + ")";
  if (line.size() > kReleaseAbove) {
    parser_ = od::parser{};
    story_parser_ = simdjson::dom::parser{};
    repaired_ = std::string{};
  }
  return reason;
}

std::optional<std::string> JsonlDecoder::append_story(const FieldValue& story, std::string& out) {
  switch (story.type) {
    case od::json_type::string:
      out += story.string;
      return std::nullopt;
    case od::json_type::number:
      append_python_number(*story.number, out);
      return std::nullopt;
    case od::json_type::boolean:
      out += story.boolean ? "True" : "False";
      return std::nullopt;
    case od::json_type::null:
      return std::nullopt;
    case od::json_type::array:
    case od::json_type::object:
      break;
  }
  if (story.raw.size() > kMaxStoryJsonBytes) {
    return "field 'story' is an " + std::string(json_type_name(story.type)) + " of more than " +
           std::to_string(kMaxStoryJsonBytes) + " bytes";
  }
  // the raw text lies inside the padded line, so it can be parsed in place
  simdjson::dom::element element;
  if (const error_code error =
          story_parser_.parse(story.raw.data(), story.raw.size(), false).get(element)) {
    return "malformed JSON: " + std::string(simdjson::error_message(error));
  }
  append_python_str(element, out);
  return std::nullopt;
}

std::optional<std::string> JsonlDecoder::make_article(std::uint64_t line_number,
                                                      std::string_view source, Article& out,
                                                      Notes& notes) {
  const LineFields& f = fields_;
  if (!f.text.present) return "missing field 'text'";
  if (f.text.type != od::json_type::string) return type_reason("text", "string", f.text);
  if (f.title.present && f.title.type != od::json_type::null &&
      f.title.type != od::json_type::string) {
    return type_reason("title", "string", f.title);
  }
  out = Article{};
  if (!f.id.present || f.id.type == od::json_type::null) {
    out.id.assign(source).append(":").append(std::to_string(line_number));
  } else if (f.id.type == od::json_type::string) {
    out.id = f.id.string;
  } else if (f.id.type == od::json_type::number) {
    append_python_number(*f.id.number, out.id);
  } else {
    return type_reason("id", "string or number", f.id);
  }
  assign_text(f.text.string, options_, out.text, notes);
  if (f.title.type == od::json_type::string) out.title = f.title.string;
  if (f.lang.present) read_lang(f.lang, out, notes);
  if (f.time.present) read_time(f.time, out, notes);
  if (f.story.present) {
    if (auto reason = append_story(f.story, out.story)) return reason;
  }
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
