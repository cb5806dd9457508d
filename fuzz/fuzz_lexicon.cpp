// libFuzzer entry point for the lexicon loader: arbitrary bytes as a keyword-map TSV
// (LexiconBuilder::load_tsv_text), then pivot composition when the first byte is odd, build()
// and lookups of every concept member and of pieces of the input. The load report's and the
// built map's promises are checked; a broken one aborts, which libFuzzer reports as a crash.
#include <crossnews/analyzer.hpp>
#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

std::uint64_t count_lines(std::string_view content) {
  std::uint64_t lines = 0;
  for (char c : content) lines += c == '\n';
  return lines + (!content.empty() && content.back() != '\n' ? 1 : 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const crossnews::Analyzer analyzer;
  const std::string_view content(reinterpret_cast<const char*>(data), size);

  crossnews::LexiconBuilder builder(analyzer);
  const crossnews::LexiconLoadReport report = builder.load_tsv_text("fuzz.tsv", content);
  require(report.lines == count_lines(content));
  require(report.entries <= report.lines);
  std::uint64_t previous = 0;
  for (const crossnews::LexiconIssue& issue : report.skipped) {
    require(issue.source == "fuzz.tsv" && !issue.reason.empty());
    require(issue.line >= previous && issue.line >= 1 && issue.line <= report.lines);
    previous = issue.line;
  }
  if (size > 0 && data[0] % 2 == 1) builder.compose_pivot("en");

  const crossnews::Lexicon lexicon = builder.build();
  for (std::uint32_t id = 0; id < lexicon.concept_count(); ++id) {
    require(!lexicon.concept_name(id).empty());
    const auto members = lexicon.concept_members(id);
    require(members.size() >= 2);  // a group of one term is no concept
    for (const auto& [lang, term] : members) {
      const auto links = lexicon.lookup(lang, term);
      require(links.size() == 1 && links[0].concept_id == id);
      require(links[0].weight > 0.0f && links[0].weight <= 1.0f);
    }
    for (const std::string& lang : lexicon.languages()) (void)lexicon.concept_terms(id, lang);
  }
  try {
    (void)lexicon.concept_name(lexicon.concept_count());
    require(false);
  } catch (const crossnews::InputError&) {
  }
  for (const auto& pair : lexicon.pair_stats()) require(pair.lang_a < pair.lang_b);

  // Lookups of arbitrary pieces of the input never fail.
  for (std::size_t at = 0; at < content.size(); at += 7) {
    const std::string_view piece = content.substr(at, 9);
    for (const std::string_view lang : {"", "de", "it", "en"}) (void)lexicon.lookup(lang, piece);
  }
  return 0;
}
