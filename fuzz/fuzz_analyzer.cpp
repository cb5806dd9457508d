// libFuzzer entry point for the analyzer. Input layout: `lang TAB title LF text`, where the lang
// part is whatever precedes a tab within the first 12 bytes (else lang is empty and detected), and
// the title runs to the first LF. The first byte also picks one of four option sets. Every
// promise of AnalyzedText is checked; a broken one aborts, which libFuzzer reports as a crash.
#include <crossnews/analyzer.hpp>

#include "io/detail/utf8.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

crossnews::AnalyzerOptions options_for(std::size_t variant) {
  crossnews::AnalyzerOptions options;
  switch (variant) {
    case 1:  // everything through ICU: the other segmentation path
      options.latin_fast_path = false;
      break;
    case 2:  // a tiny cap, to reach the truncation paths mid-name and mid-compound
      options.max_terms = 5;
      options.min_compound_part = 1;
      break;
    case 3:
      options.stem = false;
      options.remove_stopwords = false;
      options.decompound = false;
      options.multiword_entities = false;
      break;
    default:
      break;
  }
  return options;
}

struct Analyzers {
  std::array<crossnews::Analyzer, 4> analyzers{
      crossnews::Analyzer(options_for(0)), crossnews::Analyzer(options_for(1)),
      crossnews::Analyzer(options_for(2)), crossnews::Analyzer(options_for(3))};
  std::array<crossnews::Analyzer::Worker, 4> workers{analyzers[0].worker(), analyzers[1].worker(),
                                                     analyzers[2].worker(), analyzers[3].worker()};
};

void check(const crossnews::AnalyzedText& out, std::size_t max_terms) {
  require(out.terms.size() <= max_terms);
  require(!out.truncated || out.terms.size() == max_terms);
  require(out.lang.empty() || out.lang.size() == 2);
  bool seen_body = false;
  for (const crossnews::Term& term : out.terms) {
    require(term.length > 0 && std::size_t{term.offset} + term.length <= out.arena.size());
    require(crossnews::detail::scan_utf8(out.text(term)).invalid_sequences == 0);
    if (term.field == crossnews::Field::body) seen_body = true;
    require(term.field == crossnews::Field::body || !seen_body);  // title terms come first
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Analyzers state;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view rest = input;
  std::string lang;
  if (const std::size_t tab = rest.substr(0, 12).find('\t'); tab != std::string_view::npos) {
    lang = rest.substr(0, tab);
    rest.remove_prefix(tab + 1);
  }
  const std::size_t lf = rest.find('\n');
  crossnews::Article article;
  article.title = rest.substr(0, lf);
  if (lf != std::string_view::npos) article.text = rest.substr(lf + 1);
  article.lang = lang;

  const std::size_t variant = size == 0 ? 0 : data[0] % 4;
  auto& worker = state.workers[variant];
  const std::size_t max_terms = state.analyzers[variant].options().max_terms;
  crossnews::AnalyzedText out;
  worker.analyze(article, out);
  check(out, max_terms);
  // The per-worker caches must not change the result: a second pass gives the same terms.
  crossnews::AnalyzedText again;
  worker.analyze(article, again);
  require(again.arena == out.arena && again.terms.size() == out.terms.size());

  out.clear();
  worker.analyze_phrase(article.title, lang, out);
  check(out, max_terms);

  const std::string detected = crossnews::Analyzer::detect_language(input);
  require(detected.empty() || detected.size() == 2);
  return 0;
}
