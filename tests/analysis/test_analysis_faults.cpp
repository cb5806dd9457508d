// Random bytes through the analyzer.

#include <crossnews/crossnews.hpp>

#include "io/detail/utf8.hpp"

#include <doctest/doctest.h>

#include "../support.hpp"

#include <random>
#include <string>
#include <vector>

using namespace crossnews;
using namespace crossnews::test;
using namespace std::string_literals;

namespace {

bool valid_utf8(std::string_view s) { return detail::scan_utf8(s).invalid_sequences == 0; }

}  // namespace

TEST_CASE("random bytes through the analyzer: no crash, terms inside the arena, valid UTF-8") {
  // Pieces that stress segmentation and folding: scripts with and without spaces, case folding
  // that changes length, combining marks, invisible characters, and broken sequences.
  const std::vector<std::string> pieces = {
      "a", "Z", "Kaspersky", "USA", "2018", "4,5", "l'", "dell’", "-", "--", ".", "!", "?", ":",
      "\"", "«", "»", "'", "’", "@", "#", "/", "(", ")", " ", " ", " ", "\n", "\t", "\r\n", "\0"s,
      "ä", "ß", "ẞ", "İ", "ﬁ", "Σ", "ς", "Ж", "ب", "ש", "中文", "カタカナ", "ภาษาไทย", "한국어",
      "😀", "\xCC\x81", "\xE2\x80\x8D", "\xC2\xAD", "\xC2\xA0", "\xE2\x80\x8F", "\xEF\xBF\xBD",
      "\xFF", "\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xED\xA0\x80", "\xC0\xAF", "\x80",
      "Straßenbahnhaltestelle", "Werbeverbot", "Donaudampfschiffahrt", "AI-Act", "e-mail"};
  const std::vector<std::string> langs = {"",   "de", "it", "en", "fr",    "es",      "pt",
                                          "nl", "tr", "ru", "el", "zh",    "ja",      "th",
                                          "ar", "xx", "DE", "de-AT", "\xFF", "english", "q"};
  AnalyzerOptions capped;
  capped.max_terms = 7;
  const Analyzer small_cap(capped);
  auto worker = shared_analyzer().worker();
  auto capped_worker = small_cap.worker();
  std::mt19937 rng(20250304);
  AnalyzedText out;
  AnalyzedText again;
  auto random_text = [&](std::size_t max_pieces) {
    std::string s;
    const std::size_t n = rng() % max_pieces;
    for (std::size_t k = 0; k < n; ++k) {
      if (rng() % 8 == 0) {
        s += static_cast<char>(rng());
      } else {
        s += pieces[rng() % pieces.size()];
      }
    }
    return s;
  };
  auto check_terms = [](const AnalyzedText& t, std::size_t max_terms) {
    bool ok = t.terms.size() <= max_terms && (!t.truncated || t.terms.size() == max_terms);
    bool title_first = true;
    bool seen_body = false;
    for (const Term& term : t.terms) {
      ok = ok && term.length > 0 && std::size_t(term.offset) + term.length <= t.arena.size() &&
           valid_utf8(t.text(term));
      if (term.field == Field::body) seen_body = true;
      if (term.field == Field::title && seen_body) title_first = false;
    }
    return ok && title_first;
  };
  for (int round = 0; round < 3000; ++round) {
    CAPTURE(round);
    Article article;
    article.id = "r" + std::to_string(round);
    article.title = random_text(12);
    article.text = random_text(round % 100 == 0 ? 2000 : 80);
    article.lang = langs[rng() % langs.size()];
    REQUIRE_NOTHROW(worker.analyze(article, out));
    REQUIRE(check_terms(out, shared_analyzer().options().max_terms));
    if (round % 10 == 0) {  // the per-worker caches must not change the result
      auto fresh = shared_analyzer().worker();
      fresh.analyze(article, again);
      CHECK(again.arena == out.arena);
      CHECK(again.terms.size() == out.terms.size());
    }
    REQUIRE_NOTHROW(capped_worker.analyze(article, out));
    REQUIRE(check_terms(out, capped.max_terms));
    out.clear();
    REQUIRE_NOTHROW(worker.analyze_phrase(article.title, article.lang, out));
    REQUIRE(check_terms(out, shared_analyzer().options().max_terms));
  }
}
