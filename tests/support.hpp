#pragma once
// What several test files need: the shared analyzer and built-in keyword map (built once per
// test binary), reading a corpus, scoring an assignment against gold labels, scratch
// directories and files, an oracle of term counts, sparse vectors from pairs; and the skips of
// skip.hpp.

#include <crossnews/analyzer.hpp>
#include <crossnews/clusterer.hpp>
#include <crossnews/corpus_io.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/metrics.hpp>
#include <crossnews/sparse_vector.hpp>
#include <crossnews/tfidf.hpp>

#include <doctest/doctest.h>

#include "skip.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace crossnews::test {

inline const Analyzer& shared_analyzer() {
  static const Analyzer analyzer;
  return analyzer;
}

inline const Lexicon& builtin_lexicon() {
  static const Lexicon lexicon = [] {
    LexiconBuilder builder(shared_analyzer());
    builder.add_builtin();
    return builder.build();
  }();
  return lexicon;
}

inline Corpus load(const std::string& path) {
  return read_corpus(std::span<const std::string>(&path, 1));
}

inline Article article(std::string id, std::string lang, std::string text, std::string title = {}) {
  Article a;
  a.id = std::move(id);
  a.lang = std::move(lang);
  a.text = std::move(text);
  a.title = std::move(title);
  return a;
}

/// Document `index` in adding order (tests count documents in plain loops).
inline DocId doc_id(std::size_t index) { return DocId{static_cast<DocId::rep_type>(index)}; }

inline ClusteringScores score(const std::vector<Article>& articles,
                              const std::vector<ClusterId>& assignment) {
  std::vector<std::string> gold, predicted, langs;
  for (std::size_t i = 0; i < articles.size(); ++i) {
    gold.push_back(articles[i].story);
    predicted.push_back(std::to_string(assignment[i].value()));
    langs.push_back(articles[i].lang);
  }
  return evaluate(gold, predicted, langs);
}

/// A fresh directory under the system temp dir, removed with the object.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() /
             ("crossnews_" + name + "_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

/// Writes `content` to `path` byte for byte; returns the path.
inline std::string write_file(const std::string& path, std::string_view content) {
  std::ofstream(path, std::ios::binary).write(content.data(), std::streamsize(content.size()));
  return path;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

/// The counts weigh() takes for an analysed text, computed plainly as an oracle: each distinct
/// term once, sorted by id, its title and body occurrences apart. `id_of(term)` gives its TermId.
template <class IdOf>
std::vector<TermCount> term_counts(const AnalyzedText& text, IdOf&& id_of) {
  std::map<TermId, TermCount> by_term;
  for (const Term& term : text.terms) {
    const TermId id = id_of(term);
    TermCount& count = by_term.try_emplace(id, TermCount{id}).first->second;
    (term.field == Field::title ? count.title : count.body) += 1.0f;
  }
  std::vector<TermCount> counts;
  for (const auto& entry : by_term) counts.push_back(entry.second);
  return counts;
}

/// A SparseVector from (term, weight) pairs in any order.
inline SparseVector vec(std::vector<std::pair<std::uint32_t, float>> pairs) {
  std::vector<SparseEntry> entries;
  for (auto [t, w] : pairs) entries.push_back({TermId(t), w});
  return SparseVector::from_unsorted(std::move(entries));
}

}  // namespace crossnews::test
