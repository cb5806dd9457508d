// Analyzer throughput on news-like text in German, Italian and English, against a naive ICU
// pipeline (UTF-8 -> UTF-16, BreakIterator, NFKC_Casefold per word, Snowball per word, no cache)
// measured in the same run. The paragraphs below were written for this benchmark.

#include <crossnews/analyzer.hpp>

#include <benchmark/benchmark.h>
#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kGerman =
    "Bahnstreik legt den Regionalverkehr in Süddeutschland lahm\n"
    "Pendlerinnen und Pendler in Bayern und Baden-Württemberg mussten am Montagmorgen lange "
    "warten: Die Lokführergewerkschaft hatte kurzfristig zu einem Warnstreik aufgerufen, der bis "
    "Dienstagabend dauern soll. Nach Angaben der Deutschen Bahn fielen zwischen München, Augsburg "
    "und Stuttgart rund 60 Prozent der Regionalzüge aus. Auch die S-Bahn-Linien rund um Nürnberg "
    "waren betroffen. Der Fernverkehr lief dagegen weitgehend nach Plan, wie eine Sprecherin des "
    "Konzerns in Berlin mitteilte.\n"
    "Die Gewerkschaft fordert eine Lohnerhöhung von 8,5 Prozent sowie eine Verkürzung der "
    "Wochenarbeitszeit für Schichtarbeiter. Das Unternehmen hatte in der dritten Verhandlungsrunde "
    "ein Angebot über 4,2 Prozent und eine Einmalzahlung von 1.500 Euro vorgelegt, das die "
    "Arbeitnehmervertreter als unzureichend zurückwiesen. Verkehrsminister Volker Hartmann rief "
    "beide Seiten auf, an den Verhandlungstisch zurückzukehren, und sprach von einer erheblichen "
    "Belastung für Wirtschaft und Fahrgäste.\n"
    "Besonders hart traf der Ausstand Schülerinnen und Schüler in ländlichen Regionen, wo es kaum "
    "Alternativen zum Zug gibt. Viele Landkreise richteten Ersatzverkehre mit Bussen ein, die "
    "jedoch nur einen Bruchteil der Fahrgäste aufnehmen konnten. Auf den Autobahnen rund um die "
    "Landeshauptstadt bildeten sich im Berufsverkehr kilometerlange Staus, meldete der ADAC.\n"
    "Fahrgastverbände kritisierten die kurzfristige Ankündigung. Wer morgens erst am Bahnsteig "
    "erfahre, dass sein Zug nicht fahre, könne sich nicht mehr rechtzeitig umorganisieren, sagte "
    "die Vorsitzende des Fahrgastverbands Pro Bahn. Die Bahn kündigte an, Fahrkarten für die "
    "betroffenen Tage flexibel anzuerkennen; Zeitkarteninhaber sollen eine Entschädigung "
    "beantragen können. Reisende werden gebeten, sich vor Fahrtantritt in der App oder auf der "
    "Internetseite über ihre Verbindung zu informieren.\n"
    "Wirtschaftsforscher schätzen den Schaden eines eintägigen bundesweiten Bahnstreiks auf bis "
    "zu 100 Millionen Euro. Für die Industrie seien vor allem Verzögerungen im Güterverkehr ein "
    "Problem, da Lieferketten in der Automobilbranche und der Chemie eng getaktet seien. Die "
    "nächste Verhandlungsrunde ist für den 14. März in Frankfurt angesetzt.\n";

constexpr std::string_view kItalian =
    "Alluvione in Emilia-Romagna, migliaia di sfollati e strade interrotte\n"
    "Le piogge torrenziali cadute nella notte tra sabato e domenica hanno provocato "
    "l'esondazione di diversi fiumi nelle province di Bologna, Ravenna e Forlì-Cesena. Secondo "
    "la Protezione civile regionale sono oltre 4.000 le persone costrette a lasciare le proprie "
    "abitazioni, mentre i vigili del fuoco hanno effettuato più di 600 interventi di soccorso. "
    "Nell'area di Faenza l'acqua ha raggiunto il primo piano di molti edifici.\n"
    "Il presidente della Regione ha chiesto al governo la dichiarazione dello stato di emergenza "
    "e lo stanziamento immediato di fondi per le famiglie e le imprese colpite. «Abbiamo visto "
    "cadere in trentasei ore la pioggia di sei mesi», ha spiegato durante una conferenza stampa, "
    "sottolineando che la rete dei canali di bonifica non poteva reggere un simile volume "
    "d'acqua. Il ministro per la Protezione civile è atteso domani nelle zone più colpite.\n"
    "Sono chiuse decine di strade provinciali e un tratto dell'autostrada A14 tra Imola e Cesena, "
    "dove una frana ha invaso la carreggiata. Le Ferrovie dello Stato hanno sospeso la "
    "circolazione sulla linea adriatica per precauzione, con ritardi fino a tre ore per i treni "
    "diretti verso il sud. Nelle scuole di quaranta comuni le lezioni resteranno sospese fino a "
    "mercoledì.\n"
    "Gli agricoltori denunciano danni ingenti: interi frutteti sono finiti sott'acqua e le "
    "associazioni di categoria stimano perdite superiori a 500 milioni di euro per il solo "
    "comparto ortofrutticolo. L'Unione europea ha fatto sapere di essere pronta ad attivare il "
    "Fondo di solidarietà, come già avvenuto dopo l'alluvione del 2023.\n"
    "Gli esperti dell'Università di Bologna ricordano che l'impermeabilizzazione del suolo e la "
    "scarsa manutenzione degli argini aggravano gli effetti degli eventi estremi, sempre più "
    "frequenti con il riscaldamento del clima. Per le prossime quarantotto ore è prevista "
    "un'allerta arancione su tutta la pianura romagnola.\n";

constexpr std::string_view kEnglish =
    "Regulator fines social network over children's data\n"
    "The national data protection authority on Thursday fined a popular video-sharing platform "
    "$27.5 million for failing to protect the personal information of users under the age of 13. "
    "Investigators found that the company's sign-up process allowed children to create accounts "
    "without parental consent and that their profiles were public by default, exposing names, "
    "photos and approximate locations to strangers.\n"
    "The ruling follows a two-year inquiry opened after complaints from parents and the advocacy "
    "group Digital Childhood Alliance. In its decision, the authority said the platform had "
    "\"repeatedly ignored\" warnings from its own trust and safety staff and ordered it to delete "
    "data collected from minors within 90 days. The company must also introduce age checks that "
    "do not rely solely on a birth date typed in by the user.\n"
    "A spokesperson for the platform said it disagreed with the size of the penalty and was "
    "considering an appeal, but added that many of the requested changes had already been made "
    "since 2022. \"Keeping young people safe online is our top priority,\" the statement said. "
    "Shares of the parent company fell 3.1% in early trading in New York.\n"
    "Privacy experts welcomed the decision as one of the largest fines of its kind. Professor "
    "Helen Okafor, who studies technology law at the University of Leeds, said it sent a clear "
    "signal that regulators were prepared to look beyond written policies at how products "
    "actually work. Lawmakers in Washington and Brussels are debating similar rules on "
    "age verification and default privacy settings for teenagers.\n"
    "Consumer groups urged parents to review the settings of the apps their children use and to "
    "report accounts that appear to belong to younger users. The authority said it had opened "
    "separate investigations into two other services and expected to publish its findings "
    "before the end of the year.\n";

struct Sample {
  std::string_view lang;
  std::string_view paragraph;
};
constexpr std::array<Sample, 3> kSamples{{{"de", kGerman}, {"it", kItalian}, {"en", kEnglish}}};
// Each iteration analyses one article of the paragraphs repeated to about 10 KB: long enough that
// per-article costs do not dominate, short enough to be a realistic news article.
constexpr int kRepeat = 3;

crossnews::Article make_article(const Sample& sample) {
  crossnews::Article article;
  const std::string_view paragraph = sample.paragraph;
  const std::size_t title_end = paragraph.find('\n');
  article.title = std::string(paragraph.substr(0, title_end));
  for (int i = 0; i < kRepeat; ++i) article.text.append(paragraph.substr(title_end + 1));
  article.lang = std::string(sample.lang);
  return article;
}

void set_counters(benchmark::State& state, const crossnews::Article& article, std::size_t words) {
  const auto iterations = static_cast<std::int64_t>(state.iterations());
  state.SetBytesProcessed(iterations *
                          static_cast<std::int64_t>(article.title.size() + article.text.size()));
  state.SetItemsProcessed(iterations * static_cast<std::int64_t>(words));
}

// The naive pipeline the analyzer is measured against: ICU end to end, no fast path, no cache.
class NaivePipeline {
 public:
  explicit NaivePipeline(std::string_view lang)
      : stemmer_(sb_stemmer_new(std::string(lang).c_str(), "UTF_8"), sb_stemmer_delete) {
    UErrorCode status = U_ZERO_ERROR;
    words_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    normalizer_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
  }

  /// Returns the number of words; their stems go to `out`.
  std::size_t run(const crossnews::Article& article, std::vector<std::string>& out) {
    out.clear();
    std::size_t words = 0;
    for (const std::string* field : {&article.title, &article.text}) {
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(*field);
      words_->setText(text);
      for (std::int32_t from = words_->first(), to = words_->next(); to != icu::BreakIterator::DONE;
           from = to, to = words_->next()) {
        if (words_->getRuleStatus() == UBRK_WORD_NONE) continue;
        UErrorCode status = U_ZERO_ERROR;
        const icu::UnicodeString folded =
            normalizer_->normalize(icu::UnicodeString(text, from, to - from), status);
        std::string utf8;
        folded.toUTF8String(utf8);
        const sb_symbol* stem =
            sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(utf8.data()),
                            static_cast<int>(utf8.size()));
        out.emplace_back(reinterpret_cast<const char*>(stem),
                         static_cast<std::size_t>(sb_stemmer_length(stemmer_.get())));
        ++words;
      }
    }
    return words;
  }

 private:
  std::unique_ptr<sb_stemmer, void (*)(sb_stemmer*)> stemmer_;
  std::unique_ptr<icu::BreakIterator> words_;
  const icu::Normalizer2* normalizer_ = nullptr;
};

std::size_t count_words(const crossnews::Article& article) {
  NaivePipeline naive(article.lang);
  std::vector<std::string> stems;
  return naive.run(article, stems);
}

void analyze(benchmark::State& state, crossnews::AnalyzerOptions options, bool detect) {
  const Sample& sample = kSamples[static_cast<std::size_t>(state.range(0))];
  crossnews::Article article = make_article(sample);
  const std::size_t words = count_words(article);
  if (detect) article.lang.clear();
  const crossnews::Analyzer analyzer(options);
  auto worker = analyzer.worker();
  crossnews::AnalyzedText out;
  for (auto _ : state) {
    worker.analyze(article, out);
    benchmark::DoNotOptimize(out.terms.data());
  }
  state.counters["terms"] = static_cast<double>(out.terms.size());
  set_counters(state, article, words);
}

void BM_Analyze(benchmark::State& state) { analyze(state, {}, false); }

void BM_AnalyzeDetectLanguage(benchmark::State& state) { analyze(state, {}, true); }

void BM_AnalyzeIcuOnly(benchmark::State& state) {
  crossnews::AnalyzerOptions options;
  options.latin_fast_path = false;
  analyze(state, options, false);
}

void BM_NaiveIcu(benchmark::State& state) {
  const Sample& sample = kSamples[static_cast<std::size_t>(state.range(0))];
  const crossnews::Article article = make_article(sample);
  NaivePipeline naive(sample.lang);
  std::vector<std::string> stems;
  std::size_t words = 0;
  for (auto _ : state) {
    words = naive.run(article, stems);
    benchmark::DoNotOptimize(stems.data());
  }
  set_counters(state, article, words);
}

// Articles over a vocabulary as large as a big corpus's: made-up words of two to five syllables
// with ranks drawn from a power law (Zipf), one in twelve capitalised, five languages in turn.
// Their word caches outgrow the CPU's caches as they do in the pipeline, unlike the benchmarks
// above, which analyse one text over and over.
std::vector<crossnews::Article> large_vocabulary_articles() {
  constexpr std::array<const char*, 5> kLanguages = {"de", "it", "en", "es", "fr"};
  constexpr std::array<std::string_view, 12> kSyllables = {"ka", "ri", "to", "men", "sa", "lo",
                                                           "ve", "ne", "di", "pu", "ar", "es"};
  constexpr double kVocabulary = 400000;
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<crossnews::Article> articles(5000);
  for (std::size_t a = 0; a < articles.size(); ++a) {
    articles[a].lang = kLanguages[a % kLanguages.size()];
    for (std::size_t w = 0; w < 400; ++w) {
      std::string word;
      for (auto rank = static_cast<std::uint64_t>(std::pow(kVocabulary, unit(rng))) * 12 + 7;
           rank > 0; rank /= 12) {
        word += kSyllables[rank % 12];
      }
      if (w % 12 == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      articles[a].text += word;
      articles[a].text += w % 15 == 14 ? ". " : " ";
    }
  }
  return articles;
}

void BM_AnalyzeLargeVocabulary(benchmark::State& state) {
  static const std::vector<crossnews::Article> articles = large_vocabulary_articles();
  const crossnews::Analyzer analyzer;
  auto worker = analyzer.worker();
  crossnews::AnalyzedText out;
  // A first pass fills the word caches, as a long-running pipeline has them.
  for (const auto& a : articles) worker.analyze(a, out);
  std::size_t next = 0;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    worker.analyze(articles[next], out);
    benchmark::DoNotOptimize(out.terms.data());
    bytes += static_cast<std::int64_t>(articles[next].text.size());
    next = (next + 1) % articles.size();
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 400);
}

// lang: 0 = German, 1 = Italian, 2 = English.
BENCHMARK(BM_Analyze)->ArgNames({"lang"})->DenseRange(0, 2);
BENCHMARK(BM_AnalyzeDetectLanguage)->ArgNames({"lang"})->DenseRange(0, 2);
BENCHMARK(BM_AnalyzeIcuOnly)->ArgNames({"lang"})->DenseRange(0, 2);
BENCHMARK(BM_NaiveIcu)->ArgNames({"lang"})->DenseRange(0, 2);
BENCHMARK(BM_AnalyzeLargeVocabulary);

}  // namespace

BENCHMARK_MAIN();
