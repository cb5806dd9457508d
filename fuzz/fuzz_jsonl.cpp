// libFuzzer entry point: arbitrary bytes go through parse_jsonl twice (default options, then tiny
// limits without UTF-8 repair) and the reader's promises are checked, then through the gzip
// decoder and line splitter the file reader uses; a broken promise aborts, which libFuzzer
// reports as a crash with the input saved.
#include <crossnews/corpus_io.hpp>
#include <crossnews/metrics.hpp>

#include "io/detail/lines.hpp"
#include "io/detail/utf8.hpp"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool valid_utf8(std::string_view s) {
  return crossnews::detail::scan_utf8(s).invalid_sequences == 0;
}

/// Records the reader makes of content: lines end at '\n', or at '\r' if the first line end is
/// a lone '\r' (old Mac files); UTF-16/32 text is a single record.
std::size_t records_in(std::string_view content) {
  if (!crossnews::detail::wide_encoding(content).empty()) return 1;
  const std::size_t cr = content.find('\r');
  const bool lone_cr = cr < content.find('\n') && content.substr(cr + 1, 1) != "\n";
  const char line_end = lone_cr ? '\r' : '\n';
  const auto ends = static_cast<std::size_t>(std::count(content.begin(), content.end(), line_end));
  return ends + (!content.empty() && content.back() != line_end ? 1 : 0);
}

void check(std::string_view content, const crossnews::ReadOptions& options) {
  crossnews::Corpus corpus;
  crossnews::parse_jsonl("fuzz.jsonl", content, corpus, options);

  // every record ends in exactly one place; line 0 only for a whole UTF-16/32 input
  const std::size_t lines = records_in(content);
  require(corpus.articles.size() + corpus.rejected.size() == lines);
  std::uint64_t previous = 0;
  for (const crossnews::Rejected& r : corpus.rejected) {
    require((r.line > previous || (r.line == 0 && lines == 1)) && r.line <= lines &&
            !r.reason.empty());
    previous = r.line;
  }

  absl::flat_hash_set<std::string> ids;
  std::vector<std::string> gold, pred, langs;
  for (const crossnews::Article& a : corpus.articles) {
    require(!a.id.empty() && a.id.find_first_of("\t\n\r") == std::string::npos);
    require(ids.insert(a.id).second);
    require(a.text.size() <= options.max_article_bytes);
    require(valid_utf8(a.id) && valid_utf8(a.title) && valid_utf8(a.text) && valid_utf8(a.story));
    require(a.lang.empty() || (a.lang.size() == 2 && a.lang[0] >= 'a' && a.lang[0] <= 'z' &&
                               a.lang[1] >= 'a' && a.lang[1] <= 'z'));
    gold.push_back(a.story);
    pred.push_back(a.title);
    langs.push_back(a.lang);
  }

  // the metrics on whatever came out: ratios in [0, 1], pair counts consistent
  const crossnews::ClusteringScores s = crossnews::evaluate(gold, pred, langs);
  if (s.n > 0) {
    for (const crossnews::ScoreRatio& ratio : crossnews::kScoreRatios) {
      require(s.*ratio.value >= 0.0 && s.*ratio.value <= 1.0);
    }
  }
  require(s.correct_pairs <= s.pred_pairs && s.correct_pairs <= s.true_pairs);
  require(s.cl_correct_pairs <= s.cl_pred_pairs && s.cl_correct_pairs <= s.cl_true_pairs);
  require(s.cl_correct_pairs <= s.correct_pairs && s.cl_pred_pairs <= s.pred_pairs);
}

/// The bytes as a file would be read: gzip members decoded, the rest passed through, split into
/// lines that account for every byte when nothing failed.
void check_file_bytes(std::string_view content) {
  using crossnews::detail::Line;
  crossnews::detail::LineReader lines(
      crossnews::detail::gzip_or_plain(crossnews::detail::memory_source(content)), 256, 64);
  Line line;
  std::uint64_t number = 0;
  std::uint64_t line_bytes = 0;
  std::uint64_t read_errors = 0;
  while (lines.next(line)) {
    require(line.number == ++number);
    require(line.status == Line::Status::kTooLong ? line.text.empty()
                                                  : line.text.size() == line.length);
    line_bytes += line.length;
    read_errors += line.status == Line::Status::kReadError ? 1 : 0;
  }
  require(read_errors == (lines.error().empty() ? 0 : 1));
  require(line_bytes <= lines.bytes_read());
  if (!content.starts_with("\x1f\x8b")) {
    require(lines.error().empty() && lines.bytes_read() == content.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  check(content, crossnews::ReadOptions{});
  crossnews::ReadOptions tight;
  tight.max_article_bytes = 7;
  tight.repair_utf8 = false;
  tight.max_record_bytes = 64;
  check(content, tight);
  check_file_bytes(content);
  return 0;
}
