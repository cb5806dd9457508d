#include <crossnews/error.hpp>
#include <crossnews/metrics.hpp>

#include "io/detail/fields.hpp"
#include "io/detail/lines.hpp"
#include "io/detail/utf8.hpp"

#include <absl/container/flat_hash_map.h>
#include <simdjson.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <vector>

namespace crossnews {
namespace {

constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();

/// Labels mapped to dense codes 0..count-1 in order of first appearance.
struct Codes {
  std::vector<std::uint32_t> of_item;
  std::uint32_t count = 0;
};

Codes encode(std::span<const std::string> labels) {
  Codes codes;
  codes.of_item.reserve(labels.size());
  absl::flat_hash_map<std::string_view, std::uint32_t> table;
  for (const std::string& label : labels) {
    const auto [it, inserted] = table.try_emplace(label, codes.count);
    if (inserted) ++codes.count;
    codes.of_item.push_back(it->second);
  }
  return codes;
}

/// The non-empty cells of the joint table of two codings: each item's cell, and each cell's size
/// and codes in a and b.
struct Cells {
  Codes cell;
  std::vector<std::uint64_t> size;
  std::vector<std::uint32_t> a_code, b_code;
};

Cells joint(const Codes& a, const Codes& b) {
  Cells cells;
  cells.cell.of_item.reserve(a.of_item.size());
  absl::flat_hash_map<std::uint64_t, std::uint32_t> index;
  for (std::size_t i = 0; i < a.of_item.size(); ++i) {
    const std::uint64_t key = std::uint64_t{a.of_item[i]} * b.count + b.of_item[i];
    const auto [it, inserted] = index.try_emplace(key, cells.cell.count);
    if (inserted) {
      ++cells.cell.count;
      cells.size.push_back(0);
      cells.a_code.push_back(a.of_item[i]);
      cells.b_code.push_back(b.of_item[i]);
    }
    ++cells.size[it->second];
    cells.cell.of_item.push_back(it->second);
  }
  return cells;
}

std::vector<std::uint64_t> sizes(const Codes& codes) {
  std::vector<std::uint64_t> size(codes.count, 0);
  for (std::uint32_t code : codes.of_item) ++size[code];
  return size;
}

/// Sum of C(k, 2) over the given set sizes: the pairs inside the sets.
std::uint64_t pairs(const std::vector<std::uint64_t>& set_sizes) {
  std::uint64_t total = 0;
  for (std::uint64_t k : set_sizes) total += k * (k - 1) / 2;
  return total;
}

struct Prf {
  double p, r, f;
};

Prf prf(std::uint64_t correct, std::uint64_t predicted, std::uint64_t gold) {
  const double p = predicted != 0 ? double(correct) / double(predicted) : 1.0;
  const double r = gold != 0 ? double(correct) / double(gold) : 1.0;
  return {p, r, p + r != 0 ? 2 * p * r / (p + r) : 0.0};
}

/// B-cubed precision (set_size = predicted cluster sizes, set_of_cell = each cell's cluster) or
/// recall (gold sizes and stories): item i scores |cell(i)| / |set(i)|, shared by its cell.
double bcubed(const Cells& cells, const std::vector<std::uint32_t>& set_of_cell,
              const std::vector<std::uint64_t>& set_size, std::size_t n) {
  long double sum = 0;  // extra precision keeps a million-term sum at numpy's accuracy
  for (std::size_t c = 0; c < cells.size.size(); ++c) {
    const double k = double(cells.size[c]);
    sum += k * k / double(set_size[set_of_cell[c]]);
  }
  return double(sum / static_cast<long double>(n));
}

ClusteringScores score(const Codes& gold, const Codes& pred, const Codes& lang) {
  ClusteringScores s;
  s.n = gold.of_item.size();
  s.gold_stories = gold.count;
  s.pred_stories = pred.count;
  if (s.n == 0) {
    for (const ScoreRatio& ratio : kScoreRatios) {
      s.*ratio.value = std::numeric_limits<double>::quiet_NaN();
    }
    return s;
  }
  const std::vector<std::uint64_t> gold_size = sizes(gold);
  const std::vector<std::uint64_t> pred_size = sizes(pred);
  const Cells both = joint(gold, pred);
  s.bcubed_precision = bcubed(both, both.b_code, pred_size, s.n);
  s.bcubed_recall = bcubed(both, both.a_code, gold_size, s.n);
  const double bp = s.bcubed_precision, br = s.bcubed_recall;
  s.bcubed_f1 = bp + br != 0 ? 2 * bp * br / (bp + br) : 0.0;

  s.correct_pairs = pairs(both.size);
  s.pred_pairs = pairs(pred_size);
  s.true_pairs = pairs(gold_size);
  const Prf pairwise = prf(s.correct_pairs, s.pred_pairs, s.true_pairs);
  s.pairwise_precision = pairwise.p;
  s.pairwise_recall = pairwise.r;
  s.pairwise_f1 = pairwise.f;

  // cross-lingual pairs of a set = its pairs minus the pairs inside each of its languages
  s.cl_correct_pairs = s.correct_pairs - pairs(joint(both.cell, lang).size);
  s.cl_pred_pairs = s.pred_pairs - pairs(joint(pred, lang).size);
  s.cl_true_pairs = s.true_pairs - pairs(joint(gold, lang).size);
  const Prf cross = prf(s.cl_correct_pairs, s.cl_pred_pairs, s.cl_true_pairs);
  s.crosslingual_precision = cross.p;
  s.crosslingual_recall = cross.r;
  s.crosslingual_f1 = cross.f;
  return s;
}

// --- score.py's file conventions ----------------------------------------------------------------

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kNoLineLimit = std::numeric_limits<std::size_t>::max() / 4;

detail::LineReader open_lines(const std::string& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw IoError(std::string("cannot read ") + what + " '" + path + "': is a directory");
  }
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw IoError(std::string("cannot open ") + what + " '" + path + "': " + std::strerror(errno));
  }
  std::fclose(file);
  return detail::LineReader(detail::open_file_source(path), detail::LineReader::kDefaultBlockBytes,
                            kNoLineLimit);
}

bool next_line(detail::LineReader& lines, detail::Line& line, const std::string& path,
               const char* what) {
  if (!lines.next(line)) return false;
  if (line.status == detail::Line::Status::kReadError) {
    throw IoError(std::string("cannot read ") + what + " '" + path + "' at line " +
                  std::to_string(line.number) + ": " + lines.error());
  }
  return true;
}

struct Gold {
  absl::flat_hash_map<std::string, std::uint32_t> index;  ///< id -> article
  std::vector<std::string> stories;
  std::vector<std::string> langs;
  std::size_t skipped = 0;
};

/// One gold line as score.py's load_gold reads it; false if it is skipped.
bool read_gold_line(std::string_view text, simdjson::dom::parser& parser, Gold& gold) {
  if (text.starts_with(kBom))
    text.remove_prefix(kBom.size());  // json.loads decodes bytes as utf-8-sig
  simdjson::dom::element root;
  if (parser.parse(text.data(), text.size(), false).get(root) || !root.is_object()) return false;
  std::optional<simdjson::dom::element> id, story, lang;
  const simdjson::dom::object object = root.get_object().value_unsafe();
  for (simdjson::dom::key_value_pair field : object) {
    if (field.key == "id")
      id = field.value;
    else if (field.key == "story")
      story = field.value;
    else if (field.key == "lang")
      lang = field.value;
  }
  if (!id || id->is_null() || !story || story->is_null()) return false;
  if (!id->is_string() && !id->is_number() && !id->is_bool()) return false;
  std::string aid;
  detail::append_python_str(*id, aid);
  const auto [it, inserted] =
      gold.index.try_emplace(std::move(aid), static_cast<std::uint32_t>(gold.stories.size()));
  if (!inserted) return false;
  gold.stories.emplace_back();
  detail::append_python_str(*story, gold.stories.back());
  gold.langs.emplace_back(lang && lang->is_string() ? lang->get_string().value_unsafe()
                                                    : std::string_view{});
  return true;
}

Gold load_gold(const std::string& path) {
  Gold gold;
  detail::LineReader lines = open_lines(path, "gold file");
  simdjson::dom::parser parser;
  detail::Line line;
  while (next_line(lines, line, path, "gold file")) {
    if (line.text.find_first_not_of(" \t\r\v\f") == std::string_view::npos) continue;
    if (!read_gold_line(line.text, parser, gold)) ++gold.skipped;
  }
  return gold;
}

/// The predicted cluster of each gold article (kUnset where the prediction has none).
Codes load_pred(const std::string& path, const Gold& gold, ClusteringScores& counts) {
  Codes pred;
  pred.of_item.assign(gold.stories.size(), kUnset);
  absl::flat_hash_map<std::string, std::uint32_t> labels;
  detail::LineReader lines = open_lines(path, "prediction file");
  detail::Line line;
  while (next_line(lines, line, path, "prediction file")) {
    std::string_view text = line.text;
    const detail::Utf8Scan scan = detail::scan_utf8(text, true);
    if (scan.invalid_sequences > 0) {
      throw InputError(path + ":" + std::to_string(line.number) + ": invalid UTF-8 at byte " +
                       std::to_string(scan.first_invalid + 1) +
                       " (score.py cannot read this file either)");
    }
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
    const std::size_t tab = text.rfind('\t');
    if (tab == std::string_view::npos) continue;
    const std::string_view id = text.substr(0, tab);
    const auto article = gold.index.find(absl::string_view(id.data(), id.size()));
    if (article == gold.index.end()) {
      ++counts.extra;
      continue;
    }
    if (pred.of_item[article->second] != kUnset) {
      ++counts.duplicate;
      continue;
    }
    const std::string_view label = text.substr(tab + 1);
    auto known = labels.find(absl::string_view(label.data(), label.size()));
    if (known == labels.end()) known = labels.emplace(std::string(label), pred.count++).first;
    pred.of_item[article->second] = known->second;
  }
  return pred;
}

}  // namespace

ClusteringScores evaluate(std::span<const std::string> gold, std::span<const std::string> predicted,
                          std::span<const std::string> langs) {
  if (predicted.size() != gold.size() || langs.size() != gold.size()) {
    throw InputError("evaluate: " + std::to_string(gold.size()) + " gold labels, " +
                     std::to_string(predicted.size()) + " predicted labels and " +
                     std::to_string(langs.size()) +
                     " languages; all must describe the same "
                     "articles");
  }
  return score(encode(gold), encode(predicted), encode(langs));
}

ClusteringScores evaluate_files(const std::string& gold_jsonl, const std::string& pred_tsv) {
  const Gold gold = load_gold(gold_jsonl);
  ClusteringScores counts;
  Codes pred = load_pred(pred_tsv, gold, counts);
  std::size_t missing = 0;
  for (std::uint32_t& code : pred.of_item) {
    if (code == kUnset) {
      code = pred.count++;  // a missing article is a singleton no real label can join
      ++missing;
    }
  }
  ClusteringScores scores = score(encode(gold.stories), pred, encode(gold.langs));
  scores.missing = missing;
  scores.extra = counts.extra;
  scores.duplicate = counts.duplicate;
  scores.gold_skipped_lines = gold.skipped;
  return scores;
}

}  // namespace crossnews
