#pragma once
// Reading articles: JSONL files (plain or gzip), standard input, or directories of .txt files.
//
// JSONL: one JSON object per line with the fields
//   id     string; a number is turned into the string Python's str() gives ("7", "7.5", "100.0"),
//          so ids match score.py's; missing or null -> "<source>:<line>"
//   text   string, required
//   title  string, optional
//   lang   ISO 639-1 code, lower-cased, region dropped ("de-DE" -> "de"); anything else is
//          dropped with a warning and the language is detected later
//   time   ISO 8601 ("2018-01-26", "2018-01-26T10:00:00Z", "2018-01-26 10:00:00.250+01:00",
//          offsets +01:00 / +0100 / +01, no offset = UTC; fractions of a second are dropped)
//          or epoch seconds as a JSON number, years 0000-9999; anything else is dropped with a
//          warning
//   story  gold label, any JSON value (stored as Python's str() of it, as score.py does)
// Unknown fields are ignored; a field given twice takes its last value (as Python's json does).
//
// Every input line ends in exactly one place: an accepted article or a Rejected entry (blank
// lines included). A final line without '\n' counts. Lines end at '\n' (CRLF works: JSON reads
// the '\r' as whitespace); an input whose first line end is a lone '\r' (old Mac files) is split
// at '\r' instead. A UTF-8 byte order mark opening a file is skipped. Rejection reasons:
//   "blank line"
//   "NUL byte at byte N"                   raw NUL is never valid JSON text; "\u0000" is kept
//   "invalid UTF-8 at byte N"              only when ReadOptions::repair_utf8 is false
//   "line of L bytes exceeds max_record_bytes (N)"   skipped, never held in memory whole
//   "incomplete line: read error: ... (this line's L bytes are rejected)"
//                                          a gzip stream or device failed mid-line: that line
//                                          is the only one cut
//   "read error after the last complete line: ..."   it failed between lines: no line cut
//                                          (the message says what could not be read after it)
//   "malformed JSON: <parser message>"
//   "not a JSON object (found array)"
//   "missing field 'text'"
//   "field 'text' is not a string (found null)"   likewise 'title'; 'id' must be string/number
//   "field 'story' is an array of more than 1048576 bytes"   likewise object: a gold label is
//                                          short; this keeps its Python rendering's memory small
//   "empty id"
//   "id contains tab or newline"           ids are written to id<TAB>story TSV files
//   "empty article (no title and no text)" both only whitespace
//   "duplicate id 'x' (first at line N)"   the first accepted article with an id wins; also
//                                          "(first at <source>:N)", "(first in <file.txt>)",
//                                          "(already in the corpus)" for parse_jsonl
//   "UTF-16LE text; convert to UTF-8 (e.g. iconv -f UTF-16LE -t UTF-8)"   likewise UTF-16BE,
//                                          UTF-32LE, UTF-32BE: an input opening with their byte
//                                          order mark, or whose first 16 bytes have their zero
//                                          bytes around ASCII text, is one record (line 0,
//                                          counted once in lines_read), not read further
//
// gzip (detected from the content, for files and standard input): every member of concatenated
// streams is read (as `cat a.gz b.gz` makes); bytes after the last member that do not open
// another one are read as plain lines. A damaged stream (bad CRC, cut short, corrupt data) keeps
// every line decoded before the damage and ends the input with one of the read-error rejects
// above, naming the member and compressed byte offset.
//
// Directories (non-recursive): every entry whose name ends in ".txt" (any case) is one article,
// in byte order of file name; other names are ignored. First line = title (up to "\n", "\r\n" or
// a lone "\r"), the rest = text, id = file name without ".txt" (a name that is not UTF-8 gets
// U+FFFD for its invalid bytes, with a warning, so ids are always valid UTF-8), lang empty. A file
// with a NUL byte, or in which more than a tenth of the bytes are invalid UTF-8, is rejected as
// "binary file", UTF-16/32 text as above; other reasons as above, plus "file exceeds
// max_record_bytes (N)", "cannot read file: ..." (including "symbolic link loop" and "dangling
// symbolic link") and "not a regular file (directory|FIFO|socket|device)"; a FIFO is never
// waited on. A .txt article's Rejected/InputWarning/ArticleOrigin carries the file's path and
// line 0.
//
// Source names (paths) are passed on as given, with bytes that are not UTF-8 replaced by U+FFFD,
// so every string the reader hands out is valid UTF-8.

#include <crossnews/document.hpp>
#include <crossnews/impl_ptr.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

/// An input record (JSONL line or .txt file) that did not become an article, and why.
struct Rejected {
  std::string source;  ///< input path; "<stdin>" for "-"; the file's own path inside a directory
  std::uint64_t line;  ///< 1-based JSONL line; 0 for a whole file (.txt in a directory)
  std::string reason;
};

/// An accepted article that was altered on the way in (lang or time dropped, text truncated,
/// invalid UTF-8 replaced).
struct InputWarning {
  std::string source;
  std::uint64_t line;
  std::string message;
};

/// Where an accepted article came from, for accounting.
struct ArticleOrigin {
  std::string source;
  std::uint64_t line;  ///< 0 for a .txt file
};

/// Limits of a reader; ArticleReader, read_corpus and parse_jsonl throw ConfigError for a 0.
struct ReadOptions {
  /// Longest article text kept, in bytes (> 0). Longer text is cut at a UTF-8 boundary (warning).
  std::size_t max_article_bytes = std::size_t{64} << 20;
  /// Invalid UTF-8 becomes U+FFFD, one per maximal invalid sequence (warning); false rejects the
  /// record instead.
  bool repair_utf8 = true;
  /// Longest JSONL line or .txt file read at all (> 0; SIZE_MAX means no limit); longer ones are
  /// skipped without being held in memory and rejected. The memory allocated for one line stays
  /// below 7 * max_record_bytes plus the 16 MB read block: the line, simdjson's On-Demand index
  /// (4 bytes per byte of the line, touched only for JSON punctuation and values) and string
  /// buffer, and the article's copy of the text; no tree of the line's values is built.
  std::size_t max_record_bytes = std::size_t{128} << 20;
};

/// Streams articles from one or more inputs in bounded memory: files are read in 16 MB blocks
/// (plus the longest line), never whole, and rejected records are handed over in bounded groups.
/// Input kinds: a JSONL file (gzip-compressed or not, detected from the content), a FIFO or
/// device (opened once, at construction), "-" for standard input (JSONL, gzip or not), or a
/// directory of .txt files. Ids are unique over all inputs of one reader (the id table grows
/// with the corpus). Not thread-safe; use one reader per thread.
class ArticleReader {
 public:
  /// The most records one next() call rejects before it returns.
  static constexpr std::size_t kMaxRejectsPerCall = 4096;

  /// Throws IoError naming the path if an input does not exist or cannot be opened, or if "-"
  /// is given and standard input is closed, a directory or open for writing only; ConfigError
  /// for invalid options. Never throws for bad content.
  explicit ArticleReader(std::string input, ReadOptions options = {});
  explicit ArticleReader(std::span<const std::string> inputs, ReadOptions options = {});

  /// Reads records until it has appended max_articles (> 0, else ConfigError) accepted articles
  /// to batch, or has added kMaxRejectsPerCall entries to rejected(), or the inputs end. When
  /// origins is given, appends one ArticleOrigin per appended article. Returns true if it read
  /// any record (it may have appended no article: a run of bad lines returns with only
  /// rejects), false, appending nothing, once every input is exhausted. Moving rejected() and
  /// warnings() out after each call keeps memory bounded however many lines are bad. Throws
  /// IoError only if a later regular file that was readable at construction can no longer be
  /// opened.
  bool next(std::vector<Article>& batch, std::size_t max_articles,
            std::vector<ArticleOrigin>* origins = nullptr);

  /// Rejected records and warnings so far; callers may move them out between calls.
  std::vector<Rejected>& rejected();
  std::vector<InputWarning>& warnings();
  /// Records consumed: JSONL lines (blank ones included), .txt files, and UTF-16/32 inputs (one
  /// each). Accepted articles plus rejected records always add up to this.
  [[nodiscard]] std::uint64_t lines_read() const;
  /// Bytes consumed, after gzip decompression.
  [[nodiscard]] std::uint64_t bytes_read() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

/// A whole corpus in memory, for callers that need all articles at once.
struct Corpus {
  std::vector<Article> articles;
  std::vector<Rejected> rejected;
  std::vector<InputWarning> warnings;
};

/// Reads all inputs in order with one ArticleReader (ids unique over all of them). The corpus
/// holds every rejected record; use ArticleReader to stream them instead.
Corpus read_corpus(std::span<const std::string> inputs, ReadOptions options = {});

/// Parses in-memory JSONL (not gzip) named source_name, appending to out. Ids already in
/// out.articles count as taken (checking them costs one pass over out.articles per call).
/// `content` may be a piece of a larger file cut at a line end: `lines_before` is the number of
/// lines before it, so messages and default ids ("<source>:<line>") carry the file's line
/// numbers. `origins`, when given, gets one ArticleOrigin per appended article.
void parse_jsonl(std::string_view source_name, std::string_view content, Corpus& out,
                 ReadOptions options = {}, std::uint64_t lines_before = 0,
                 std::vector<ArticleOrigin>* origins = nullptr);

}  // namespace crossnews
