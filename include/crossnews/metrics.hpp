#pragma once
// Scores of a clustering against gold story labels: B-cubed, pairwise, and pairwise restricted to
// cross-lingual pairs. Conventions are those of the project's reference scorer
// (shared/peers/score.py), so both report the same numbers:
//  - pair counts come from contingency tables (sum of C(n, 2) over cells), never from
//    enumerating pairs, so a million articles cost a few hash-table passes;
//  - a cross-lingual pair is two articles whose language strings differ; an empty language is
//    one shared "" language;
//  - a ratio whose denominator is 0 (e.g. precision when no pair is predicted) is 1.0, and an
//    F1 whose precision and recall are both 0 is 0.0;
//  - with no article at all every ratio is NaN (score.py prints null).
// Stateless functions; thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace crossnews {

struct ClusteringScores {
  std::size_t n = 0;             ///< articles scored
  std::size_t gold_stories = 0;  ///< distinct gold labels
  std::size_t pred_stories = 0;  ///< distinct predicted labels, each missing article counted alone
  double bcubed_precision = 0, bcubed_recall = 0, bcubed_f1 = 0;
  double pairwise_precision = 0, pairwise_recall = 0, pairwise_f1 = 0;
  double crosslingual_precision = 0, crosslingual_recall = 0, crosslingual_f1 = 0;
  std::uint64_t true_pairs = 0;     ///< pairs in one gold story
  std::uint64_t pred_pairs = 0;     ///< pairs in one predicted cluster
  std::uint64_t correct_pairs = 0;  ///< pairs in both
  std::uint64_t cl_true_pairs = 0, cl_pred_pairs = 0,
                cl_correct_pairs = 0;  ///< same, cross-lingual
  std::size_t missing = 0;  ///< gold articles absent from the prediction (evaluate_files)
  std::size_t gold_skipped_lines = 0;  ///< gold lines without usable id/story (evaluate_files)
  std::size_t extra = 0;      ///< prediction lines whose id is not in gold (evaluate_files)
  std::size_t duplicate = 0;  ///< prediction lines repeating a predicted id (evaluate_files)
};

/// One of the nine ratios of ClusteringScores, with the name reports give it (score.py's and
/// `crossnews eval`'s).
struct ScoreRatio {
  std::string_view name;
  double ClusteringScores::*value;
};

/// The nine ratios in report order: B-cubed, pairwise and cross-lingual precision, recall and F1.
inline constexpr ScoreRatio kScoreRatios[] = {
    {"bcubed_precision", &ClusteringScores::bcubed_precision},
    {"bcubed_recall", &ClusteringScores::bcubed_recall},
    {"bcubed_f1", &ClusteringScores::bcubed_f1},
    {"pairwise_precision", &ClusteringScores::pairwise_precision},
    {"pairwise_recall", &ClusteringScores::pairwise_recall},
    {"pairwise_f1", &ClusteringScores::pairwise_f1},
    {"crosslingual_precision", &ClusteringScores::crosslingual_precision},
    {"crosslingual_recall", &ClusteringScores::crosslingual_recall},
    {"crosslingual_f1", &ClusteringScores::crosslingual_f1}};

/// Scores predicted labels against gold labels; the three spans describe the same articles in
/// the same order (langs may hold empty strings). Throws InputError if their sizes differ.
ClusteringScores evaluate(std::span<const std::string> gold, std::span<const std::string> predicted,
                          std::span<const std::string> langs);

/// Scores a prediction TSV (id<TAB>cluster per line) against a gold JSONL file exactly as
/// score.py does:
///  - gold: blank lines are ignored; lines that are not JSON objects, or whose "id" or "story"
///    is missing or null, or whose id is not a string/number/boolean, or repeats an earlier id,
///    are skipped and counted in gold_skipped_lines. Ids and stories are taken as Python's str()
///    of the JSON value; "lang" counts only if it is a string.
///  - prediction: each line is split at its last tab (after dropping trailing CR/LF; lines
///    without a tab are ignored); the first line of an id wins (later ones count as duplicate);
///    ids not in gold are ignored (counted as extra);
///    gold articles without a line are "missing" and each is a singleton cluster.
/// Throws IoError if a file cannot be opened or read, InputError if the prediction is not UTF-8
/// (score.py fails on it too). Known differences from Python's json module, all on input that is
/// not strict JSON: NaN/Infinity literals, integers beyond 64 bits, numbers beyond double range,
/// and lone surrogates make a gold line skipped here; container-valued stories are rendered like
/// Python's repr() except for rarely used non-printable non-ASCII characters.
ClusteringScores evaluate_files(const std::string& gold_jsonl, const std::string& pred_tsv);

}  // namespace crossnews
