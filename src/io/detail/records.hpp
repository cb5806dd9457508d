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

/// Decodes JSONL lines with one reused simdjson parser. Not thread-safe.
class JsonlDecoder {
 public:
  explicit JsonlDecoder(const ReadOptions& options) : options_(options) {}

  /// Decodes line number line_number of source (the line is followed in memory by
  /// SIMDJSON_PADDING readable bytes) into out, adding warnings to notes. Returns the reject
  /// reason, or nullopt if out holds an article.
  std::optional<std::string> decode(std::string_view line, std::uint64_t line_number,
                                    std::string_view source, Article& out, Notes& notes);

 private:
  std::optional<std::string> decode_object(simdjson::dom::object object, std::uint64_t line_number,
                                           std::string_view source, Article& out, Notes& notes);

  ReadOptions options_;
  simdjson::dom::parser parser_;
  std::string repaired_;  ///< a line with invalid UTF-8 replaced, plus padding
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
