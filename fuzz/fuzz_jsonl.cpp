// libFuzzer entry point: arbitrary bytes go through parse_jsonl twice (default options, then tiny
// limits without UTF-8 repair) and the reader's promises are checked; a broken promise aborts,
// which libFuzzer reports as a crash with the input saved.
#include <crossnews/corpus_io.hpp>
#include <crossnews/metrics.hpp>

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

void check(std::string_view content, const crossnews::ReadOptions& options) {
  crossnews::Corpus corpus;
  crossnews::parse_jsonl("fuzz.jsonl", content, corpus, options);

  // every line ends in exactly one place
  const auto newlines = static_cast<std::size_t>(std::count(content.begin(), content.end(), '\n'));
  const std::size_t lines = newlines + (!content.empty() && content.back() != '\n' ? 1 : 0);
  require(corpus.articles.size() + corpus.rejected.size() == lines);
  std::uint64_t previous = 0;
  for (const crossnews::Rejected& r : corpus.rejected) {
    require(r.line > previous && r.line <= lines && !r.reason.empty());
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
    for (double ratio :
         {s.bcubed_precision, s.bcubed_recall, s.bcubed_f1, s.pairwise_precision, s.pairwise_recall,
          s.pairwise_f1, s.crosslingual_precision, s.crosslingual_recall, s.crosslingual_f1}) {
      require(ratio >= 0.0 && ratio <= 1.0);
    }
  }
  require(s.correct_pairs <= s.pred_pairs && s.correct_pairs <= s.true_pairs);
  require(s.cl_correct_pairs <= s.cl_pred_pairs && s.cl_correct_pairs <= s.cl_true_pairs);
  require(s.cl_correct_pairs <= s.correct_pairs && s.cl_pred_pairs <= s.pred_pairs);
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
  return 0;
}
