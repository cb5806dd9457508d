#include <crossnews/analyzer.hpp>

#include "analysis/detail/language.hpp"
#include "analysis/detail/state.hpp"
#include "analysis/detail/terms.hpp"
#include "analysis/detail/tokenizer.hpp"
#include "analysis/detail/unicode.hpp"
#include "data/embedded_data.hpp"

#include <algorithm>
#include <array>

namespace crossnews {
namespace {

constexpr std::array<std::string_view, 7> kStopwordLanguages{"de", "it", "en", "es",
                                                             "fr", "pt", "nl"};
// Raw offsets are 32-bit; a longer field is cut (and the result marked truncated).
constexpr std::size_t kMaxFieldBytes = std::size_t{1} << 30;

// Cuts `text` to `limit` bytes at a code point boundary; true when it cut.
bool clamp(std::string_view& text, std::size_t limit) {
  if (text.size() <= limit) return false;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text = text.substr(0, cut);
  return true;
}

}  // namespace

std::string_view to_string(TermKind kind) {
  switch (kind) {
    case TermKind::word:
      return "word";
    case TermKind::entity:
      return "entity";
    case TermKind::number:
      return "number";
    case TermKind::compound_part:
      return "compound_part";
  }
  return "word";
}

std::string_view to_string(Field field) { return field == Field::title ? "title" : "body"; }

struct Analyzer::Shared {
  detail::AnalysisResources resources;
};

Analyzer::Analyzer(AnalyzerOptions options) : shared_(std::make_unique<Shared>()) {
  detail::AnalysisResources& resources = shared_->resources;
  resources.options = options;
  for (const std::string_view lang : kStopwordLanguages) {
    detail::WordSet words;
    const std::string path = "stopwords/" + std::string(lang) + ".txt";
    if (const auto content = detail::embedded_file(path)) detail::add_word_list(*content, words);
    resources.stopwords.emplace_back(std::string(lang), std::move(words));
  }
  if (const auto content = detail::embedded_file("compounds/de_words.txt")) {
    detail::WordSet words;
    detail::add_word_list(*content, words);
    detail::Stemmer stemmer("de");
    for (const std::string& word : words) resources.german.add(word, stemmer.stem(word));
  }
}

const AnalyzerOptions& Analyzer::options() const { return shared_->resources.options; }

void Analyzer::add_compound_words(std::span<const std::string> words) {
  detail::Stemmer stemmer("de");
  for (const std::string& word : words) {
    std::string folded = detail::fold_word(word);
    if (folded.empty()) continue;
    const std::string stem(stemmer.stem(folded));
    shared_->resources.german.add(std::move(folded), stem);
  }
}

std::string Analyzer::detect_language(std::string_view text) {
  std::string scratch;
  // detail::detect_language reads only its first kDetectPrefixBytes.
  return detail::detect_language(detail::repair_utf8(text, scratch));
}

std::vector<std::string> Analyzer::supported_languages() {
  std::vector<std::string> languages = detail::stemmer_languages();
  languages.insert(languages.end(), kStopwordLanguages.begin(), kStopwordLanguages.end());
  std::sort(languages.begin(), languages.end());
  languages.erase(std::unique(languages.begin(), languages.end()), languages.end());
  return languages;
}

struct Analyzer::Worker::Impl {
  explicit Impl(const Shared& shared)
      : resources(shared.resources),
        tokenizer(shared.resources.options.latin_fast_path),
        builder(shared.resources) {}

  detail::LanguageState& language(std::string_view lang) {
    for (const auto& state : languages) {
      if (state->lang() == lang) return *state;
    }
    languages.push_back(std::make_unique<detail::LanguageState>(std::string(lang), resources));
    return *languages.back();
  }

  const detail::AnalysisResources& resources;
  detail::Tokenizer tokenizer;
  detail::TermBuilder builder;
  // Few languages per worker: a linear search beats hashing, and states never move.
  std::vector<std::unique_ptr<detail::LanguageState>> languages;
  std::vector<detail::RawToken> tokens;
  detail::ByteBuffer arena;  // folded tokens
  std::string title_scratch;
  std::string body_scratch;
  std::string detect_scratch;
};

Analyzer::Worker::Worker(const Analyzer& analyzer)
    : impl_(std::make_unique<Impl>(*analyzer.shared_)) {}

void Analyzer::Worker::analyze(const Article& article, AnalyzedText& out) {
  Impl& w = *impl_;
  out.clear();
  std::string_view title = detail::repair_utf8(article.title, w.title_scratch);
  std::string_view body = detail::repair_utf8(article.text, w.body_scratch);
  const bool cut = clamp(title, kMaxFieldBytes) | clamp(body, kMaxFieldBytes);

  std::string lang = detail::normalize_language(article.lang);
  if (lang.empty() && title.size() + body.size() >= w.resources.options.min_detect_bytes) {
    w.detect_scratch.assign(title);
    w.detect_scratch.push_back('\n');
    std::string_view prefix = body;
    clamp(prefix, detail::kDetectPrefixBytes);
    w.detect_scratch.append(prefix);
    lang = detail::detect_language(w.detect_scratch);
    out.lang_detected = !lang.empty();
  }
  out.lang = lang;

  detail::LanguageState& state = w.language(lang);
  state.begin_document();
  w.tokens.clear();
  w.arena.clear();
  w.tokenizer.tokenize(title, Field::title, w.tokens, w.arena);
  w.tokenizer.tokenize(body, Field::body, w.tokens, w.arena);
  w.builder.build_article(w.tokens, w.arena, title, body, state, out);
  out.truncated = out.truncated || cut;
}

void Analyzer::Worker::analyze_phrase(std::string_view phrase, std::string_view lang,
                                      AnalyzedText& out) {
  Impl& w = *impl_;
  std::string_view text = detail::repair_utf8(phrase, w.body_scratch);
  clamp(text, kMaxFieldBytes);
  detail::LanguageState& state = w.language(detail::normalize_language(lang));
  state.begin_document();
  w.tokens.clear();
  w.arena.clear();
  w.tokenizer.tokenize(text, Field::body, w.tokens, w.arena);
  w.builder.build_phrase(w.tokens, w.arena, text, state, out);
}

}  // namespace crossnews
