// Damaged keyword-map sources: bad TSV lines through the whole pipeline, truncated or corrupt
// FreeDict files, and random bytes through the TSV loader.

#include <crossnews/crossnews.hpp>


#include <doctest/doctest.h>

#include "../fault_support.hpp"
#include "lexicon/dictd_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace crossnews;
using namespace crossnews::test;
using namespace std::string_literals;
namespace fs = std::filesystem;

TEST_CASE("bad lines in a lexicon TSV are skipped by line number, the good ones still link") {
  LexiconBuilder builder(shared_analyzer());
  const LexiconLoadReport report = builder.load_tsv_text(
      "bad.tsv",
      "concept\tde\tit\n"
      "flood\tHochwasser|Überschwemmung\talluvione|inondazione\n"
      "broken row without tabs\n"
      "\tHochwasser\talluvione\n"
      "river\tDonau\tDanubio\textra\tcells\n"
      "fire\tFeuerwehr\tvigili del fuoco\n"
      "\xFF\xFE\t\xC3\t\x80\n"
      "de\tKeller\tit\tcantina\tnot-a-weight\n");
  REQUIRE(report.lines == 8);
  std::vector<std::uint64_t> skipped;
  for (const LexiconIssue& issue : report.skipped) {
    CHECK(issue.source == "bad.tsv");
    CHECK_FALSE(issue.reason.empty());
    skipped.push_back(issue.line);
  }
  CHECK(std::find(skipped.begin(), skipped.end(), 2) == skipped.end());
  CHECK(std::find(skipped.begin(), skipped.end(), 3) != skipped.end());
  CHECK(std::find(skipped.begin(), skipped.end(), 4) != skipped.end());
  CHECK(std::find(skipped.begin(), skipped.end(), 6) == skipped.end());
  const Lexicon lexicon = builder.build();
  CHECK(lexicon.concept_count() >= 2);

  TempDir dir("lexicon");
  const std::string path = write_file(
      dir.file("flood.jsonl"),
      kGoodA + "\n{\"id\":\"it-1\",\"lang\":\"it\",\"title\":\"Alluvione a Passau\",\"text\":\"Il "
               "Danubio ha allagato il centro storico di Passau, i vigili del fuoco al lavoro.\"}\n");
  for (const PipelineMode mode : {PipelineMode::batch, PipelineMode::stream}) {
    check_accounting(run_pipeline({path}, mode, &lexicon), 2);
  }
}

TEST_CASE("a truncated or corrupt FreeDict file is a FormatError naming it; the builder survives") {
  TempDir dir("freedict");
  const fs::path index = dir.path / "freedict-deu-ita.index";
  const fs::path body = dir.path / "freedict-deu-ita.dict.dz";
  std::string text;
  std::string index_text;
  for (int i = 0; i < 400; ++i) {
    const std::string entry = "Wort" + std::to_string(i) + "\nparola" + std::to_string(i) + "\n";
    index_text += "Wort" + std::to_string(i) + "\t" + dictd_base64(text.size()) + "\t" +
                  dictd_base64(entry.size()) + "\n";
    text += entry;
  }
  write_file(index.string(), index_text);
  write_gzip(body, text);

  LexiconBuilder builder(shared_analyzer());
  builder.load_tsv_text("inline", "concept\tde\tit\nflood\tHochwasser\talluvione\n");
  const std::size_t before = builder.build().concept_count();
  REQUIRE(builder.load_freedict(index.string()).entries > 0);  // the intact dictionary loads

  auto expect_format_error = [&](const char* what) {
    CAPTURE(what);
    LexiconBuilder fresh(shared_analyzer());
    fresh.load_tsv_text("inline", "concept\tde\tit\nflood\tHochwasser\talluvione\n");
    try {
      fresh.load_freedict(index.string());
      FAIL("expected a FormatError");
    } catch (const FormatError& e) {
      CHECK(contains(e.what(), "freedict-deu-ita"));
    }
    CHECK(fresh.build().concept_count() == before);  // nothing half-loaded
  };
  const std::string gz_bytes = read_file(body.string());
  write_file(body.string(), gz_bytes.substr(0, gz_bytes.size() / 2));
  expect_format_error("gzip body cut in half");
  std::string flipped = gz_bytes;
  for (std::size_t i = 20; i < flipped.size() - 8; i += 7) flipped[i] = static_cast<char>(~flipped[i]);
  write_file(body.string(), flipped);
  expect_format_error("gzip body with flipped bytes");
  write_file(body.string(), gz_bytes);
  write_file(index.string(), index_text.substr(0, index_text.size() / 2) + "Wort\t%%%\tA\n");
  expect_format_error("index line with bad base64");
  write_file(index.string(), "Wort\tzzzzz\tzz\n");
  expect_format_error("index entry beyond the body");
}

TEST_CASE("random bytes through the lexicon loader: lines accounted, build and lookups safe") {
  const std::vector<std::string> seeds = {
      read_file(CROSSNEWS_TEST_DATA_DIR "/lexicon/mixed_bad.tsv"),
      read_file(CROSSNEWS_TEST_DATA_DIR "/lexicon/wide.tsv"),
      "concept\tde\tit\tfr\nban\tVerbot|Verbote\tdivieto\tinterdiction\n"
      "ad\tWerbung\tpubblicità|réclame\tpublicité\n"};
  const std::vector<std::string> pieces = {
      "\t", "\t", "\t", "\n", "\n", "|", "#", "=", " ", "concept", "de", "it", "en", "fr", "xx",
      "", "0.5", "1", "0", "-1", "nan", "1e-9", "lexicon", "freedict", "pivot", "learned",
      "entity", "Verbot", "divieto", "Werbung", "pubblicità", "Kaspersky", "USA", "New York",
      "Straßenbahn", "l'", "2018", "\r", "\0"s, "\xFF", "\xC3", "中文", "Ж", "😀"};
  std::mt19937 rng(1995);
  for (int round = 0; round < 2000; ++round) {
    CAPTURE(round);
    std::string content;
    if (round % 2 == 0) {
      const std::size_t n = rng() % 120;
      for (std::size_t k = 0; k < n; ++k) content += pieces[rng() % pieces.size()];
    } else {
      content = seeds[rng() % seeds.size()];
      for (int e = 1 + static_cast<int>(rng() % 6); e > 0 && !content.empty(); --e) {
        const std::size_t at = rng() % content.size();
        switch (rng() % 3) {
          case 0: content[at] = static_cast<char>(rng()); break;
          case 1: content.erase(at, 1 + rng() % 12); break;
          default: content.insert(at, pieces[rng() % pieces.size()]); break;
        }
      }
    }
    LexiconBuilder builder(shared_analyzer());
    LexiconLoadReport report;
    REQUIRE_NOTHROW(report = builder.load_tsv_text("fuzz.tsv", content));
    CHECK(report.lines == count_lines(content));
    CHECK(report.entries <= report.lines);
    std::uint64_t previous = 0;
    for (const LexiconIssue& issue : report.skipped) {
      CHECK(issue.line >= previous);  // a wide row may have several bad cells
      CHECK(issue.line <= report.lines);
      CHECK_FALSE(issue.reason.empty());
      previous = issue.line;
    }
    const Lexicon lexicon = builder.build();
    for (std::uint32_t id = 0; id < lexicon.concept_count(); ++id) {
      CHECK_FALSE(lexicon.concept_name(id).empty());
      const auto members = lexicon.concept_members(id);
      CHECK(members.size() >= 2);  // a group of one term is no concept
      for (const auto& [lang, term] : members) {
        const auto links = lexicon.lookup(lang, term);
        REQUIRE(links.size() == 1);
        CHECK(links[0].concept_id == id);
        CHECK(links[0].weight > 0.0f);
        CHECK(links[0].weight <= 1.0f);
      }
      for (const std::string& lang : lexicon.languages()) (void)lexicon.concept_terms(id, lang);
    }
    CHECK_THROWS_AS((void)lexicon.concept_name(lexicon.concept_count()), InputError);
    const std::string probe = pieces[rng() % pieces.size()] + pieces[rng() % pieces.size()];
    for (const char* lang : {"", "de", "it", "xx", "\xFF"}) (void)lexicon.lookup(lang, probe);
  }
}
