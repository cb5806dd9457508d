#include <crossnews/analyzer.hpp>

#include "analysis/detail/unicode.hpp"

#include <doctest/doctest.h>

#include "support.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

using crossnews::AnalyzedText;
using crossnews::Analyzer;
using crossnews::AnalyzerOptions;
using crossnews::Article;
using crossnews::Field;
using crossnews::TermKind;
using crossnews::test::read_file;

namespace {

Article article(std::string text, std::string lang, std::string title = {}) {
  Article a;
  a.title = std::move(title);
  a.text = std::move(text);
  a.lang = std::move(lang);
  return a;
}

AnalyzedText analyze(const Analyzer& analyzer, const Article& a) {
  auto worker = analyzer.worker();
  AnalyzedText out;
  worker.analyze(a, out);
  return out;
}

AnalyzedText analyze(std::string text, std::string lang, AnalyzerOptions options = {}) {
  return analyze(Analyzer(options), article(std::move(text), std::move(lang)));
}

std::vector<std::string> terms(const AnalyzedText& out, TermKind kind) {
  std::vector<std::string> result;
  for (const auto& term : out.terms) {
    if (term.kind == kind) result.emplace_back(out.text(term));
  }
  return result;
}

bool has(const AnalyzedText& out, TermKind kind, std::string_view text) {
  return std::any_of(out.terms.begin(), out.terms.end(), [&](const crossnews::Term& term) {
    return term.kind == kind && out.text(term) == text;
  });
}

bool has_text(const AnalyzedText& out, std::string_view text) {
  return std::any_of(out.terms.begin(), out.terms.end(),
                     [&](const crossnews::Term& term) { return out.text(term) == text; });
}

// The whole term list as "kind:text:field", for exact comparisons.
std::vector<std::string> dump(const AnalyzedText& out) {
  std::vector<std::string> result;
  for (const auto& term : out.terms) {
    result.push_back(std::string(crossnews::to_string(term.kind)) + ":" +
                     std::string(out.text(term)) + ":" +
                     std::string(crossnews::to_string(term.field)));
  }
  return result;
}

AnalyzerOptions unstemmed() {
  AnalyzerOptions options;
  options.stem = false;
  return options;
}

constexpr std::string_view kSeedDir = CROSSNEWS_SHARED_DIR "/seeds";

}  // namespace

TEST_CASE("term kinds and fields have stable names") {
  CHECK(crossnews::to_string(TermKind::word) == "word");
  CHECK(crossnews::to_string(TermKind::entity) == "entity");
  CHECK(crossnews::to_string(TermKind::number) == "number");
  CHECK(crossnews::to_string(TermKind::compound_part) == "compound_part");
  CHECK(crossnews::to_string(Field::title) == "title");
  CHECK(crossnews::to_string(Field::body) == "body");
}

// --- 1. language ---------------------------------------------------------------------------------

TEST_CASE("CLD2 detects German and Italian sentences") {
  CHECK(Analyzer::detect_language(
            "Der Kurznachrichtendienst hat dem Unternehmen jede Werbung auf seiner Plattform "
            "untersagt.") == "de");
  CHECK(Analyzer::detect_language("Il divieto è stato comunicato in una lettera inviata "
                                  "all'amministratore delegato dell'azienda.") == "it");
  CHECK(Analyzer::detect_language("").empty());
}

TEST_CASE("a missing language is detected and reported as detected") {
  const Analyzer analyzer;
  const auto out = analyze(
      analyzer, article("Die Regierung hat am Montag neue Regeln für den Bahnverkehr beschlossen "
                        "und will die Gewerkschaften noch in dieser Woche treffen.",
                        ""));
  CHECK(out.lang == "de");
  CHECK(out.lang_detected);
  CHECK(has(out, TermKind::word, "regier"));  // German stemming was applied
  CHECK_FALSE(has_text(out, "die"));          // German stopwords were removed
}

TEST_CASE("article language tags are normalised, implausible ones detected") {
  const Analyzer analyzer;
  const std::string italian =
      "Il governo ha approvato ieri sera il nuovo decreto sulle pensioni dopo una lunga riunione.";
  for (const std::string tag : {"IT", "it-IT", "it_CH", "ita", " it "}) {
    const auto out = analyze(analyzer, article(italian, tag));
    CHECK_MESSAGE(out.lang == "it", tag);
    CHECK_FALSE(out.lang_detected);
  }
  for (const std::string tag : {"italiano", "1t", "x"}) {
    const auto out = analyze(analyzer, article(italian, tag));
    CHECK_MESSAGE(out.lang == "it", tag);
    CHECK(out.lang_detected);
  }
}

TEST_CASE("unknown and unsupported languages still get neutral analysis") {
  // Too short to detect: no language, but folding, entities and numbers still work.
  const auto unknown = analyze("2018 straße", "");
  CHECK(unknown.lang.empty());
  CHECK_FALSE(unknown.lang_detected);
  CHECK(has(unknown, TermKind::number, "2018"));
  CHECK(has(unknown, TermKind::word, "strasse"));
  // Swahili has neither stopwords nor a stemmer here: words are folded surface forms.
  const auto swahili = analyze("Rais wa Kenya alizungumza na WAANDISHI wa habari jana", "sw");
  CHECK(swahili.lang == "sw");
  CHECK(has(swahili, TermKind::word, "alizungumza"));
  CHECK(has(swahili, TermKind::entity, "kenya"));
}

TEST_CASE("supported languages cover the stopword languages and more Snowball languages") {
  const auto languages = Analyzer::supported_languages();
  for (const std::string code : {"de", "it", "en", "es", "fr", "pt", "nl", "ru", "sv"}) {
    CHECK_MESSAGE(std::find(languages.begin(), languages.end(), code) != languages.end(), code);
  }
  CHECK(std::is_sorted(languages.begin(), languages.end()));
}

// --- 2. normalisation ----------------------------------------------------------------------------

TEST_CASE("NFKC case folding") {
  const auto out = analyze("straße ﬁnanz ＡＢＣ", "", unstemmed());
  CHECK(has(out, TermKind::word, "strasse"));
  CHECK(has(out, TermKind::word, "finanz"));  // the ligature is decomposed
  CHECK(has(out, TermKind::entity, "abc"));   // fullwidth acronym folded to ASCII
}

TEST_CASE("the Latin fast path gives the ICU path's terms on random Latin text") {
  AnalyzerOptions icu_only;
  icu_only.latin_fast_path = false;
  const Analyzer fast;
  const Analyzer slow(icu_only);
  auto fast_worker = fast.worker();
  auto slow_worker = slow.worker();
  // Letters with and without accents in both cases, digits, every joiner of UAX #29 that occurs
  // in Latin text, separators, and a few code points that force the ICU path (combining accent,
  // micro sign, dotted capital I, Cyrillic, Han) so both paths meet inside one text.
  const std::vector<std::string_view> alphabet{
      "a", "e",  "i", "o",  "u",        "n", "s", "t", "r",        "l", "A", "E", "K", "S", "T",
      "Z", "ä",  "ö", "ü",  "Ä",        "Ö", "Ü", "ß", "à",        "è", "é", "ì", "ò", "ù", "É",
      "È", "ç",  "ñ", "ø",  "œ",        "Æ", "ĳ", "ŀ", "ſ",        "ł", "Ł", "ő", "0", "1", "2",
      "9", "'",  "’", "‘",  ".",        ",", ";", ":", "-",        "_", "@", "·", " ", " ", " ",
      " ", "\n", "“", "”",  "«",        "»", "–", "—", "\xC2\xA0", "!", "?", "(", ")", "/", "€",
      "$", "%",  "&", "\"", "\xCC\x81", "µ", "İ", "д", "中",       "²", "ª"};
  std::mt19937 random(20240611);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(1, 60);
  const std::vector<std::string> languages{"de", "it", "en", "fr", "es", "xx"};
  AnalyzedText a;
  AnalyzedText b;
  std::size_t compared_terms = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = length(random);
    for (int i = 0; i < n; ++i) text.append(alphabet[pick(random)]);
    const Article input = article(text, languages[static_cast<std::size_t>(round) % 6]);
    fast_worker.analyze(input, a);
    slow_worker.analyze(input, b);
    REQUIRE_MESSAGE(dump(a) == dump(b), text);
    compared_terms += a.terms.size();
  }
  CHECK(compared_terms > 10000);
}

TEST_CASE("the Latin fast path gives the ICU path's terms on real sentences") {
  AnalyzerOptions icu_only;
  icu_only.latin_fast_path = false;
  std::vector<Article> inputs{
      article("Dell’azienda, l'intelligence e l’Unione europea: 94mil dollari nel 2017 (2,6%).",
              "it"),
      article("Der US-Präsident unterzeichnete 1.000 Seiten; Kaspersky-Lab-Software ist verboten.",
              "de", "Kurznachrichtendienst: Twitter sperrt Kaspersky für Werbung"),
      article("Qu’il s’agisse d’une erreur ou non, l’ONU n’a rien dit à Jean-Luc Mélenchon.", "fr"),
      article("O'Neill's company won't pay $1,000,000 — e-mail info@example.com by 3:30 p.m.",
              "en"),
      article("El Gobierno de España aprobó ayer la reforma; la oposición votó en contra.", "es")};
  if (std::filesystem::exists(std::string(kSeedDir))) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(kSeedDir))) {
      if (entry.path().extension() == ".txt")
        inputs.push_back(article(read_file(entry.path()), ""));
    }
  }
  const Analyzer fast;
  const Analyzer slow(icu_only);
  for (const Article& input : inputs) {
    const auto a = analyze(fast, input);
    const auto b = analyze(slow, input);
    CHECK(a.lang == b.lang);
    CHECK(dump(a) == dump(b));
    CHECK(a.terms.size() > 5);
  }
}

// --- 3. segmentation -----------------------------------------------------------------------------

TEST_CASE("word segmentation of Latin text follows Unicode word breaks") {
  const auto out =
      analyze("Zahlen: 2.6 und 1,5 sowie 12:30 Uhr, e-mail a.b.c x_y", "de", unstemmed());
  CHECK(has(out, TermKind::number, "2.6"));
  CHECK(has(out, TermKind::number, "1.5"));  // decimal comma written as a point
  CHECK(has(out, TermKind::number, "12"));   // the colon separates (ICU's root rules)
  CHECK(has(out, TermKind::number, "30"));
  CHECK(has(out, TermKind::word, "a.b.c"));  // letters joined by '.' stay one word
  CHECK(has(out, TermKind::word, "x_y"));
}

TEST_CASE("Chinese, Japanese and Thai are segmented into several words") {
  const auto chinese = analyze("推特禁止卡巴斯基在其平台上投放广告。", "zh");
  CHECK(chinese.terms.size() >= 5);
  CHECK(has(chinese, TermKind::word, "广告"));
  const auto japanese = analyze("東京都に住んでいます。", "ja");
  CHECK(japanese.terms.size() >= 4);
  CHECK(has(japanese, TermKind::word, "東京"));
  const auto thai = analyze("ทวิตเตอร์แบนโฆษณาของแคสเปอร์สกี้", "th");
  CHECK(thai.terms.size() >= 3);
  CHECK(has(thai, TermKind::word, "โฆษณา"));
}

// --- 4. elision ----------------------------------------------------------------------------------

TEST_CASE("Italian and French elision with both apostrophes") {
  const auto italian = analyze(
      "il ceo dell’azienda e dell'azienda, l’accordo sull'energia, nell’area, un’intesa, "
      "quell'anno, all’estero, dall’Unione",
      "it", unstemmed());
  const auto words = terms(italian, TermKind::word);
  CHECK(std::count(words.begin(), words.end(), "azienda") == 2);
  for (const std::string word : {"accordo", "energia", "area", "intesa", "anno", "estero"}) {
    CHECK_MESSAGE(has(italian, TermKind::word, word), word);
  }
  CHECK(has(italian, TermKind::entity, "unione"));  // the capital after the elision counts
  CHECK_FALSE(has_text(italian, "dell’azienda"));
  CHECK_FALSE(has_text(italian, "dell'azienda"));

  const auto french =
      analyze("il faut qu’il parte; c'est l’histoire d’un homme qui n’accepte pas s'il j’écoute",
              "fr", unstemmed());
  for (const std::string word : {"histoire", "homme", "accepte", "écoute"}) {
    CHECK_MESSAGE(has(french, TermKind::word, word), word);
  }
  CHECK_FALSE(has_text(french, "l'histoire"));
  // English keeps its apostrophes: "o'neill" is not an elision there.
  CHECK(has(analyze("the company of Mr O'Neill", "en"), TermKind::entity, "o'neill"));
}

// --- 5. hyphenated compounds ---------------------------------------------------------------------

TEST_CASE("hyphenated compounds keep the whole word and add the parts") {
  const std::string text =
      "Das Gesetz verbietet den Einsatz von Kaspersky-Lab-Software in Behörden, sagte "
      "Kaspersky.";
  const auto out = analyze(text, "de", unstemmed());
  CHECK(has(out, TermKind::word, "kaspersky-lab-software"));
  CHECK(has(out, TermKind::entity, "kaspersky"));  // a name-like part is an entity
  CHECK(has(out, TermKind::compound_part, "software"));
  const auto italian =
      analyze("i cyber-estorsori e una organizzazione non-profit", "it", unstemmed());
  CHECK(has(italian, TermKind::word, "cyber-estorsori"));
  CHECK(has(italian, TermKind::compound_part, "cyber"));
  CHECK(has(italian, TermKind::compound_part, "estorsori"));
  CHECK(has(italian, TermKind::compound_part, "profit"));
  CHECK_FALSE(has(italian, TermKind::compound_part, "non"));  // a stopword part is dropped
  // Every part a name: the whole is a name too.
  const auto names = analyze("la fusione con Hewlett-Packard", "it");
  CHECK(has(names, TermKind::entity, "hewlett-packard"));
  CHECK(has(names, TermKind::entity, "packard"));
}

// --- 6. German decompounding ---------------------------------------------------------------------

TEST_CASE("German compounds are split against the word list") {
  const Analyzer analyzer(unstemmed());
  auto worker = analyzer.worker();
  const auto parts_of = [&](std::string_view word) {
    AnalyzedText out;
    worker.analyze_phrase(word, "de", out);
    return terms(out, TermKind::compound_part);
  };
  using Parts = std::vector<std::string>;
  CHECK(parts_of("werbesperrung") == Parts{"werbe", "sperrung"});
  CHECK(parts_of("regierungsbehörden") == Parts{"regierung", "behörden"});
  CHECK(parts_of("kurznachrichtendienst") == Parts{"kurz", "nachrichten", "dienst"});
  CHECK(parts_of("regierung").empty());   // a listed word is not a compound
  CHECK(parts_of("mitteilung").empty());  // "mit" is a stopword, never a part

  // In running text the whole word stays a word term and the stemmed parts follow it.
  const auto out = analyze("Der Kurznachrichtendienst sperrt die Werbung.", "de");
  CHECK(has(out, TermKind::word, "kurznachrichtendien"));
  CHECK(has(out, TermKind::compound_part, "nachricht"));
  CHECK(has(out, TermKind::compound_part, "dien"));
  CHECK_FALSE(has(out, TermKind::entity, "kurznachrichtendienst"));
}

TEST_CASE("words added at run time extend the decompounder") {
  Analyzer analyzer(unstemmed());
  const auto parts_of = [&](std::string_view word) {
    auto worker = analyzer.worker();
    AnalyzedText out;
    worker.analyze_phrase(word, "de", out);
    return terms(out, TermKind::compound_part);
  };
  CHECK(parts_of("zwiebelkuchenrezept").empty());
  const std::vector<std::string> words{"Zwiebel", "Kuchen", "Rezept"};
  analyzer.add_compound_words(words);
  CHECK(parts_of("zwiebelkuchenrezept") == std::vector<std::string>{"zwiebel", "kuchen", "rezept"});
}

TEST_CASE("decompounding precision and recall on the gold list") {
  const std::filesystem::path gold_path = CROSSNEWS_TEST_DATA_DIR "/de_compounds_gold.tsv";
  REQUIRE(std::filesystem::exists(gold_path));
  const Analyzer analyzer(unstemmed());
  auto worker = analyzer.worker();
  std::istringstream gold(read_file(gold_path));
  std::size_t compounds = 0;
  std::size_t splits = 0;
  std::size_t correct = 0;
  std::size_t lines = 0;
  for (std::string line; std::getline(gold, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string word = line.substr(0, tab);
    std::vector<std::string> expected;
    std::istringstream parts(line.substr(tab + 1));
    // The analyzer case-folds with NFKC_Casefold, which writes ß as "ss".
    for (std::string part; std::getline(parts, part, '|');) {
      expected.push_back(crossnews::detail::fold_word(part));
    }
    ++lines;
    AnalyzedText out;
    worker.analyze_phrase(word, "de", out);
    const auto predicted = terms(out, TermKind::compound_part);
    const bool is_compound = expected.size() > 1;
    compounds += is_compound ? 1 : 0;
    splits += predicted.empty() ? 0 : 1;
    if (is_compound && predicted == expected) {
      ++correct;
    } else if (is_compound || !predicted.empty()) {
      std::string got;
      for (const auto& p : predicted) got += (got.empty() ? "" : "|") + p;
      MESSAGE("decompounding differs: ", word, " -> ", (got.empty() ? word : got));
    }
  }
  REQUIRE(lines > 100);
  const double precision = splits == 0 ? 0.0 : static_cast<double>(correct) / splits;
  const double recall = static_cast<double>(correct) / compounds;
  MESSAGE("decompounding on ", lines, " gold words (", compounds, " compounds): precision ",
          precision, ", recall ", recall);
  CHECK(precision >= 0.9);
  CHECK(recall >= 0.85);
}

// --- 7. stopwords --------------------------------------------------------------------------------

TEST_CASE("stopwords are dropped in each stopword language") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"de", "der die das und ist nicht"}, {"it", "il lo la di che non"},
      {"en", "the and of is not which"},   {"es", "el la de que y no"},
      {"fr", "le la les de et est"},       {"pt", "o a os de que não"},
      {"nl", "de het een en van niet"}};
  for (const auto& [lang, text] : cases) {
    const auto out = analyze(text + " parlamento", lang, unstemmed());
    CHECK_MESSAGE(out.terms.size() == 1, lang);
    CHECK(has(out, TermKind::word, "parlamento"));
  }
  AnalyzerOptions keep = unstemmed();
  keep.remove_stopwords = false;
  CHECK(has(analyze("the parliament", "en", keep), TermKind::word, "the"));
}

// --- 8. stemming ---------------------------------------------------------------------------------

TEST_CASE("Snowball stemming per language, the same stem for every occurrence") {
  CHECK(has(analyze("Die Behörden prüfen die Behörde", "de"), TermKind::word, "behord"));
  const auto italian = analyze("le agenzie federali e l'agenzia", "it");
  CHECK(terms(italian, TermKind::word) == std::vector<std::string>{"agenz", "federal", "agenz"});
  CHECK(has(analyze("the investigations continued", "en"), TermKind::word, "investig"));
  CHECK(has(analyze("las investigaciones", "es"), TermKind::word, "investig"));
  CHECK(has(analyze("Правительство приняло решение", "ru"), TermKind::word, "решен"));
  // Apostrophe variants stem alike ("’s" is written "'s" before stemming).
  const auto english = analyze("the company’s shares and the company's profits", "en");
  const auto words = terms(english, TermKind::word);
  CHECK(std::count(words.begin(), words.end(), "compani") == 2);
}

TEST_CASE("the stem cache does not change results") {
  const Analyzer analyzer;
  auto worker = analyzer.worker();
  const Article a = article("Gli agricoltori denunciano danni ingenti ai frutteti.", "it");
  const Article b = article("I frutteti degli agricoltori sono sott'acqua.", "it");
  AnalyzedText first;
  AnalyzedText again;
  worker.analyze(a, first);
  worker.analyze(b, again);
  worker.analyze(a, again);
  CHECK(dump(first) == dump(again));
  CHECK(dump(first) == dump(analyze(analyzer, a)));  // a fresh worker agrees
}

// --- 9. language-neutral tokens ------------------------------------------------------------------

TEST_CASE("multi-word names give the joined and the single entities") {
  const auto out = analyze(
      "Una lettera al ceo dell’azienda russa di antivirus, Eugene Kaspersky, per la Electronic "
      "Frontier Foundation.",
      "it");
  CHECK(has(out, TermKind::entity, "eugene kaspersky"));
  CHECK(has(out, TermKind::entity, "eugene"));
  CHECK(has(out, TermKind::entity, "kaspersky"));
  CHECK(has(out, TermKind::entity, "electronic frontier foundation"));
  CHECK_FALSE(has(out, TermKind::word, "kaspersky"));        // entity words are not also word terms
  CHECK_FALSE(has(out, TermKind::entity, "kaspersky per"));  // the comma ends the name
}

TEST_CASE("acronyms, numbers and years are language-neutral") {
  const auto german = analyze(
      "Der CEO spendete das Budget für 2018 der Electronic Frontier Foundation (EFF), die USA "
      "reagierten mit 1.000 Seiten.",
      "de");
  const auto italian = analyze(
      "Il budget del 2018 andrà alla EFF; nel 2017 sono stati spesi 94 dollari, gli Usa e 1,000 "
      "pagine.",
      "it");
  for (const auto* out : {&german, &italian}) {
    CHECK(has(*out, TermKind::entity, "eff"));
    CHECK(has(*out, TermKind::entity, "usa"));
    CHECK(has(*out, TermKind::number, "2018"));
    CHECK(has(*out, TermKind::number, "1000"));
  }
  CHECK(has(italian, TermKind::number, "94"));
  // A number glued to its unit keeps the word and adds the number.
  const auto glued = analyze("nel 2017 sono stati spesi 94mil dollari e 2,5km di cavi", "it");
  CHECK(has(glued, TermKind::word, "94mil"));
  CHECK(has(glued, TermKind::number, "94"));
  CHECK(has(glued, TermKind::number, "2.5"));
  CHECK(has(german, TermKind::entity, "ceo"));
}

TEST_CASE("the same name gives the same token in every language and script") {
  const auto german = analyze("Der Gründer Jewgeni Kaspersky kritisierte Gerhard Schröder.", "de");
  const auto italian = analyze("Il fondatore, Eugene Kaspersky, ha criticato Schroder.", "it");
  const auto russian = analyze("Основатель компании Евгений Касперский заявил.", "ru");
  CHECK(has(german, TermKind::entity, "kaspersky"));
  CHECK(has(italian, TermKind::entity, "kaspersky"));
  CHECK(has(german, TermKind::entity, "schroder"));  // accents stripped
  CHECK(has(italian, TermKind::entity, "schroder"));
  CHECK(has(russian, TermKind::entity, "kasperskij"));  // transliterated to Latin
  CHECK(has(russian, TermKind::entity, "evgenij kasperskij"));
}

TEST_CASE("German capitalised nouns are words, unknown capitalised words are names") {
  const auto out = analyze(
      "Die Regierung prüft die Vorwürfe gegen Kaspersky. Laut Medienberichten soll Twitter die "
      "Werbung gesperrt haben.",
      "de");
  CHECK(has(out, TermKind::word, "regier"));
  CHECK(has(out, TermKind::word, "werbung"));
  CHECK_FALSE(has(out, TermKind::entity, "regierung"));
  CHECK_FALSE(has(out, TermKind::entity, "werbung"));
  CHECK_FALSE(has(out, TermKind::entity, "medienberichten"));  // decompoundable: known
  CHECK(has(out, TermKind::entity, "kaspersky"));
  CHECK(has(out, TermKind::entity, "twitter"));
  // A capitalised word seen in lowercase in the same document is an ordinary word.
  const auto lower = analyze("Zwiebelkuchen schmeckt gut. Wir essen zwiebelkuchen.", "de");
  CHECK_FALSE(has(lower, TermKind::entity, "zwiebelkuchen"));
}

TEST_CASE("sentence-initial capitals need evidence from the document") {
  const auto out = analyze(
      "Secondo il ministro la decisione è giusta. Twitter ha confermato. Il divieto riguarda "
      "Twitter e Mosca.",
      "it");
  CHECK_FALSE(has(out, TermKind::entity, "secondo"));  // only ever sentence-initial
  CHECK(has(out, TermKind::entity, "twitter"));        // also capitalised mid-sentence
  CHECK(has(out, TermKind::entity, "mosca"));
  // A title-case English title is not taken as a list of names.
  const Analyzer analyzer;
  const auto titled = analyze(analyzer, article("The ban was announced by the company on Friday.",
                                                "en", "Social Network Bans Security Firm Ads"));
  CHECK_FALSE(has(titled, TermKind::entity, "network"));
  CHECK(has(titled, TermKind::word, "network"));
  CHECK(titled.terms.front().field == Field::title);
}

TEST_CASE("analyze_phrase emits word terms and entity tokens without heuristics") {
  const Analyzer analyzer;
  auto worker = analyzer.worker();
  AnalyzedText out;
  worker.analyze_phrase("Germania", "it", out);
  CHECK(has(out, TermKind::word, "german"));
  CHECK(has(out, TermKind::entity, "germania"));
  worker.analyze_phrase("Stati Uniti", "it", out);  // appends
  CHECK(has(out, TermKind::word, "german"));
  CHECK(has(out, TermKind::entity, "stati uniti"));
  CHECK(has(out, TermKind::entity, "stati"));
  CHECK(has(out, TermKind::word, "unit"));
  CHECK_FALSE(has(out, TermKind::word, "stati"));  // a form of "essere": an Italian stopword
  AnalyzedText stop;
  worker.analyze_phrase("per", "it", stop);  // nothing but a stopword: kept
  CHECK(has(stop, TermKind::word, "per"));
  AnalyzedText mixed;
  worker.analyze_phrase("ministero per la sanità", "it", mixed);
  CHECK_FALSE(has_text(mixed, "per"));
  CHECK(mixed.terms.size() == 2);
  AnalyzedText acronym;
  worker.analyze_phrase("NATO", "de", acronym);
  CHECK(has(acronym, TermKind::entity, "nato"));
  CHECK(has(acronym, TermKind::word, "nato"));
}

// --- 10. output ----------------------------------------------------------------------------------

TEST_CASE("title terms come first with Field::title") {
  const Analyzer analyzer;
  const auto out = analyze(analyzer, article("Der Dienst sperrt Werbung.", "de",
                                             "Kurznachrichtendienst sperrt Werbung"));
  REQUIRE(out.terms.size() > 4);
  CHECK(out.terms.front().field == Field::title);
  CHECK(out.terms.back().field == Field::body);
  CHECK(std::is_partitioned(out.terms.begin(), out.terms.end(),
                            [](const crossnews::Term& t) { return t.field == Field::title; }));
}

TEST_CASE("max_terms caps the term list") {
  AnalyzerOptions options;
  options.max_terms = 3;
  const auto out = analyze("uno due tre quattro cinque sei sette", "it", options);
  CHECK(out.terms.size() == 3);
  CHECK(out.truncated);
  CHECK_FALSE(analyze("uno due", "it", options).truncated);
}

TEST_CASE("invalid UTF-8 and NUL bytes never crash and keep the valid words") {
  const Analyzer analyzer;
  auto worker = analyzer.worker();
  AnalyzedText out;
  using namespace std::string_literals;
  std::string text = "Gesetz \xFF\xFE Regierung\0Twitter \xC3\x28 Behörde \xE2\x82mit\0Null "s;
  text.append("\xF0\x9F\x98");  // truncated four-byte sequence at the end
  REQUIRE(text.size() == 54);
  worker.analyze(article(text, "de"), out);
  CHECK(has(out, TermKind::word, "gesetz"));
  CHECK(has(out, TermKind::word, "behord"));
  CHECK(has_text(out, "null"));  // the NUL byte separated it from "mit"
  std::mt19937 random(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 300; ++round) {
    std::string noise;
    for (int i = 0; i < 200; ++i) noise.push_back(static_cast<char>(byte(random)));
    worker.analyze(article(noise, round % 2 == 0 ? "de" : ""), out);
    worker.analyze_phrase(noise, "it", out);
    for (const auto& term : out.terms) CHECK(term.offset + term.length <= out.arena.size());
  }
}

// --- 11. threads ---------------------------------------------------------------------------------

TEST_CASE("one and two threads give identical output") {
  std::vector<Article> articles;
  const std::vector<std::string> texts{
      "Twitter hat Kaspersky jegliche Werbung auf seinem Kurznachrichtendienst untersagt.",
      "Stop alle pubblicità delle soluzioni Kaspersky su Twitter, dice Eugene Kaspersky.",
      "The regulator fined the platform $27.5 million over children's data.",
      "Основатель компании Евгений Касперский заявил о запрете рекламы.",
      "推特禁止卡巴斯基在其平台上投放广告。"};
  for (int i = 0; i < 40; ++i) {
    articles.push_back(
        article(texts[static_cast<std::size_t>(i) % texts.size()] + " " + std::to_string(i),
                i % 3 == 0 ? "" : (i % 3 == 1 ? "de" : "it")));
  }
  const Analyzer analyzer;
  std::vector<std::vector<std::string>> single(articles.size());
  {
    auto worker = analyzer.worker();
    AnalyzedText out;
    for (std::size_t i = 0; i < articles.size(); ++i) {
      worker.analyze(articles[i], out);
      single[i] = dump(out);
    }
  }
  std::vector<std::vector<std::string>> parallel(articles.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto worker = analyzer.worker();
      AnalyzedText out;
      for (std::size_t i = t; i < articles.size(); i += 2) {
        worker.analyze(articles[i], out);
        parallel[i] = dump(out);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(single == parallel);
}

TEST_CASE("term keys: one key per distinct term of a worker and language, none for made-up terms") {
  const Analyzer analyzer;
  auto worker = analyzer.worker();
  const std::vector<Article> articles = {
      article("Die Bundesregierung plant neue Steuern, sagte Eugene Kaspersky 2018 in Berlin.", "de",
              "Steuern und Kaspersky-Software"),
      article("Neue Steuern: Berlin und die Bundesregierung streiten, Kaspersky schweigt.", "de"),
  };
  std::map<std::uint32_t, std::string> term_of_key;
  std::map<std::string, std::uint32_t> key_of_term;
  std::uint64_t space = 0;
  std::size_t keyed = 0;
  for (const Article& a : articles) {
    AnalyzedText out;
    worker.analyze(a, out);
    REQUIRE(out.keys.size() == out.terms.size());
    CHECK(out.key_space != 0);
    if (space != 0) CHECK(out.key_space == space);
    space = out.key_space;
    for (std::size_t i = 0; i < out.terms.size(); ++i) {
      const std::string term =
          std::string(crossnews::to_string(out.terms[i].kind)) + ":" + std::string(out.text(out.terms[i]));
      INFO(term);
      if (out.keys[i] == AnalyzedText::kNoKey) {
        // Only terms made on the spot have none: numbers and names of several words.
        CHECK((out.terms[i].kind == TermKind::number || term.find(' ') != std::string::npos));
        continue;
      }
      ++keyed;
      const auto [by_key, new_key] = term_of_key.try_emplace(out.keys[i], term);
      CHECK(by_key->second == term);
      const auto [by_term, new_term] = key_of_term.try_emplace(term, out.keys[i]);
      CHECK(by_term->second == out.keys[i]);
    }
  }
  CHECK(key_of_term.count("entity:kaspersky") == 1);
  CHECK(key_of_term.count("word:steuern") == 0);  // stems are keyed, not surface forms
  CHECK(keyed > term_of_key.size());              // the second article repeats terms of the first

  // Another language, another worker: other numberings. A phrase has no keys.
  AnalyzedText other;
  worker.analyze(article("Il governo discute nuove tasse a Roma.", "it"), other);
  CHECK(other.key_space != space);
  auto second = analyzer.worker();
  second.analyze(articles.front(), other);
  CHECK(other.key_space != space);
  second.analyze_phrase("Deutsche Telekom", "de", other);
  CHECK(other.keys.empty());
  CHECK(other.key_space == 0);
}

TEST_CASE("term keys are renumbered when a worker's word cache restarts") {
  // The cache restarts between documents once it holds more than 2^18 words; keys handed out
  // before then must not be taken for the new ones.
  const Analyzer analyzer;
  auto worker = analyzer.worker();
  AnalyzedText out;
  worker.analyze(article("alpha beta", "it"), out);
  const std::uint64_t before = out.key_space;
  std::string many;
  for (std::uint32_t n = 0; n < 270000; ++n) {
    many += 'w';
    for (std::uint32_t x = n, k = 0; k < 4; ++k, x /= 26) many += static_cast<char>('a' + x % 26);
    many += ' ';
  }
  worker.analyze(article(many, "it"), out);
  CHECK(out.key_space == before);
  worker.analyze(article("gamma alpha", "it"), out);
  CHECK(out.key_space != before);
}
