#pragma once
// What several test files need: the shared analyzer and built-in keyword map (built once per
// test binary), reading a corpus, scoring an assignment against gold labels; and the skips of
// skip.hpp.

#include <crossnews/analyzer.hpp>
#include <crossnews/clusterer.hpp>
#include <crossnews/corpus_io.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/metrics.hpp>

#include <doctest/doctest.h>

#include "skip.hpp"

#include <filesystem>
#include <span>
#include <string>
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

}  // namespace crossnews::test
