#pragma once
// Turning one input record (a JSONL line or a .txt file) into an Article or a reject reason.
// The reason strings are listed in include/crossnews/corpus_io.hpp.

#include <crossnews/corpus_io.hpp>
#include <crossnews/document.hpp>

#include <absl/container/flat_hash_map.h>
#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

/// Warnings about an article that is accepted only if nothing later rejects it.
using Notes = std::vector<std::string>;

/// A known field's last occurrence in a line. The views point into the line or the parser's
/// string buffer and stay valid until the next line is decoded.
struct FieldValue {
  bool present = false;
  simdjson::ondemand::json_type type = simdjson::ondemand::json_type::null;
  std::string_view string;                           ///< a string's content
  std::optional<simdjson::ondemand::number> number;  ///< a number's value
  bool boolean = false;
  std::string_view raw;  ///< the JSON text of an array or object
};

/// The fields the reader uses, from one line.
struct LineFields {
  FieldValue id, text, title, lang, time, story;
};

/// Decodes JSONL lines with one reused simdjson On-Demand parser: no document tree is built,
/// so the memory for a line is its simdjson index (4 bytes per byte of the line at most) and
/// string buffer, not a tree of every value. Not thread-safe.
class JsonlDecoder {
 public:
  explicit JsonlDecoder(const ReadOptions& options) : options_(options) {}

  /// Decodes line number line_number of source (the line is followed in memory by
  /// SIMDJSON_PADDING readable bytes) into out, adding warnings to notes. Returns the reject
  /// reason, or nullopt if out holds an article.
  std::optional<std::string> decode(std::string_view line, std::uint64_t line_number,
                                    std::string_view source, Article& out, Notes& notes);

 private:
  simdjson::error_code read_line(std::string_view padded_line);
  simdjson::error_code read_root_object(simdjson::ondemand::document& doc);
  std::optional<std::string> make_article(std::uint64_t line_number, std::string_view source,
                                          Article& out, Notes& notes);
  std::optional<std::string> append_story(const FieldValue& story, std::string& out);

  ReadOptions options_;
  simdjson::ondemand::parser parser_;
  simdjson::dom::parser story_parser_;  ///< for a story that is an array or object (small)
  simdjson::ondemand::json_type root_type_ = simdjson::ondemand::json_type::object;
  LineFields fields_;
  std::string_view current_line_;  ///< the line being read, followed by its padding
  std::string repaired_;           ///< a line with invalid UTF-8 replaced, plus padding
};

/// Decodes a .txt file's content: first line title, rest text, id = stem.
std::optional<std::string> decode_txt(std::string_view content, std::string_view stem,
                                      const ReadOptions& options, Article& out, Notes& notes);

/// The reasons shared by both record kinds, applied after decoding: an id usable in TSV output
/// and something to read.
std::optional<std::string> check_article(const Article& article);

/// Which accepted article first used each id, over all inputs of a reader.
class IdRegistry {
 public:
  /// Registers a source name; the result identifies it in claim().
  std::uint32_t add_source(std::string name);
  /// Claims id for (source, line); if it is taken, returns the reject reason naming the first.
  std::optional<std::string> claim(const std::string& id, std::uint32_t source, std::uint64_t line);
  /// Marks ids as taken by articles from before this reader.
  void reserve_existing(std::string_view id);

 private:
  struct First {
    std::uint32_t source;
    std::uint64_t line;
  };
  static constexpr std::uint32_t kExisting = 0xFFFFFFFF;
  absl::flat_hash_map<std::string, First> first_;
  std::vector<std::string> sources_;
};

}  // namespace crossnews::detail
