// Bad input through the whole pipeline (reader -> analyzer -> featurizer -> clusterer). Each case
// feeds one kind of damage and checks that nothing crashes, that every input line ends in exactly
// one place (an assignment or a rejected record with a reason), and that what was altered on the
// way in is reported. The reader's own unit tests (test_corpus_io.cpp) pin the exact reasons and
// byte offsets; here the point is that the rest of the pipeline survives what the reader lets
// through.

#include <crossnews/crossnews.hpp>

#include "io/detail/utf8.hpp"

#include <doctest/doctest.h>

#include "../fault_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace crossnews;
using namespace crossnews::test;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

bool valid_utf8(std::string_view s) { return detail::scan_utf8(s).invalid_sequences == 0; }

}  // namespace

TEST_CASE("invalid UTF-8 and a multi-byte sequence cut by the end of the file") {
  TempDir dir("utf8");
  const std::string path = dir.file("bad_utf8.jsonl");
  write_file(path, kGoodA + "\n" +
                       "{\"id\":\"latin1\",\"title\":\"M\xFCnchen\",\"text\":\"Der F\xF6hn \xC3\x28 "
                       "kommt \xE2\x82 aus den Bergen.\"}\n" +
                       kGoodB + "\n{\"id\":\"cut\",\"text\":\"Gr\xC3");
  PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1", "latin1", "ok-2"});
  CHECK(reason_at(run, 4).starts_with("malformed JSON"));  // the cut line, no newline
  REQUIRE(run.warnings.size() == 1);
  CHECK(run.warnings[0].line == 2);
  CHECK(contains(run.warnings[0].message, "invalid UTF-8"));
  CHECK(run.assignment[0] == run.assignment[2]);  // the damage does not split the story

  // A complete last line whose string ends in a lone lead byte is repaired, not rejected.
  write_file(path, kGoodA + "\n{\"id\":\"lead\",\"text\":\"Gr\xC3\xBC\xC3\"}");
  run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1", "lead"});
  REQUIRE(run.warnings.size() == 1);
  CHECK(run.warnings[0].line == 2);

  // Without repair the damaged line is rejected, with its line number.
  ReadOptions strict;
  strict.repair_utf8 = false;
  write_file(path, kGoodA + "\n{\"id\":\"bad\",\"text\":\"F\xF6hn\"}\n" + kGoodB + "\n");
  run = run_both(path, strict);
  CHECK(reason_at(run, 2).starts_with("invalid UTF-8 at byte"));
  CHECK(run.ids.size() == 2);
}

TEST_CASE("NUL bytes: a raw NUL rejects its line, an escaped one reaches the analyzer") {
  TempDir dir("nul");
  const std::string path = dir.file("nul.jsonl");
  write_file(path, kGoodA + "\n" + "{\"id\":\"raw\",\"text\":\"Null\0Byte\"}\n"s +
                       "{\"id\":\"escaped\",\"text\":\"Null\\u0000Byte in der Meldung\"}\n" +
                       "\0\0\0\0\n"s + kGoodB + "\n");
  const PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1", "escaped", "ok-2"});
  CHECK(reason_at(run, 2).starts_with("NUL byte at byte"));
  CHECK(reason_at(run, 4).starts_with("NUL byte at byte"));
  CHECK(run.assignment[0] == run.assignment[2]);
}

TEST_CASE("malformed JSON lines are reported by line number and the rest is clustered") {
  TempDir dir("malformed");
  const std::string path = dir.file("malformed.jsonl");
  write_file(path, kGoodA + "\n" +
                       "{\"id\":\"comma\",\"text\":\"x\",}\n"
                       "{'id':'quotes','text':'x'}\n"
                       "{\"id\":\"open\",\"text\":\"x\"\n"
                       "just words\n"
                       "{\"id\":\"two\",\"text\":\"x\"} {\"id\":\"objects\",\"text\":\"y\"}\n" +
                       kGoodB + "\n");
  const PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1", "ok-2"});
  for (std::uint64_t line = 2; line <= 6; ++line) {
    CAPTURE(line);
    CHECK(reason_at(run, line).starts_with("malformed JSON: "));
  }
  CHECK(run.assignment[0] == run.assignment[1]);
}

TEST_CASE("JSON that is not an object is rejected with the type found") {
  TempDir dir("not_object");
  const std::string path = dir.file("values.jsonl");
  write_file(path, "[\"text\",\"Passau\"]\n\"text\"\n42\nnull\ntrue\n" + kGoodA + "\n");
  const PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1"});
  CHECK(reason_at(run, 1) == "not a JSON object (found array)");
  CHECK(reason_at(run, 2) == "not a JSON object (found string)");
  CHECK(reason_at(run, 3) == "not a JSON object (found number)");
  CHECK(reason_at(run, 4) == "not a JSON object (found null)");
  CHECK(reason_at(run, 5) == "not a JSON object (found boolean)");
}

TEST_CASE("a missing text, or a text that is not a string, rejects the line") {
  TempDir dir("text_field");
  const std::string path = dir.file("text.jsonl");
  write_file(path,
             "{\"id\":\"t1\",\"title\":\"Nur ein Titel\"}\n"
             "{\"id\":\"t2\",\"text\":42}\n"
             "{\"id\":\"t3\",\"text\":[\"Die\",\"Donau\"]}\n"
             "{\"id\":\"t4\",\"text\":{\"body\":\"Donau\"}}\n"
             "{\"id\":\"t5\",\"text\":null}\n" +
                 kGoodA + "\n");
  const PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"ok-1"});
  CHECK(reason_at(run, 1) == "missing field 'text'");
  CHECK(reason_at(run, 2) == "field 'text' is not a string (found number)");
  CHECK(reason_at(run, 3) == "field 'text' is not a string (found array)");
  CHECK(reason_at(run, 4) == "field 'text' is not a string (found object)");
  CHECK(reason_at(run, 5) == "field 'text' is not a string (found null)");
}

TEST_CASE("duplicate ids: the first article wins, in one file and across files") {
  TempDir dir("duplicates");
  const std::string one = write_file(dir.file("one.jsonl"), kGoodA + "\n" + kGoodA + "\n");
  const std::string two = write_file(
      dir.file("two.jsonl"),
      kGoodB + "\n{\"id\":\"ok-1\",\"lang\":\"it\",\"text\":\"Il Danubio ha allagato Passau.\"}\n");
  const PipelineRun in_one = run_both(one);
  CHECK(in_one.ids == std::vector<std::string>{"ok-1"});
  CHECK(reason_at(in_one, 2) == "duplicate id 'ok-1' (first at line 1)");

  for (const PipelineMode mode : {PipelineMode::batch, PipelineMode::stream}) {
    const PipelineRun run = run_pipeline({one, two}, mode);
    check_accounting(run, 4);
    CHECK(run.ids == std::vector<std::string>{"ok-1", "ok-2"});
    REQUIRE(run.rejected.size() == 2);
    CHECK(run.rejected[1].source == two);
    CHECK(run.rejected[1].reason == "duplicate id 'ok-1' (first at " + one + ":1)");
  }
}

TEST_CASE("an empty title and text reject the line, a title alone is an article") {
  TempDir dir("empty");
  const std::string path = dir.file("empty.jsonl");
  write_file(path,
             "{\"id\":\"e1\",\"title\":\"\",\"text\":\"\"}\n"
             "{\"id\":\"e2\",\"title\":\" \\t \",\"text\":\"\\n\\r\\n \"}\n"
             "{\"id\":\"e3\",\"text\":\"\"}\n"
             "{\"id\":\"e4\",\"title\":\"Eilmeldung: Brücke in Passau gesperrt\",\"text\":\"\"}\n"
             "{\"id\":\"e5\",\"text\":\"...!!! -- ???\"}\n");
  const PipelineRun run = run_both(path);
  CHECK(run.ids == std::vector<std::string>{"e4", "e5"});
  for (std::uint64_t line : {1, 2, 3}) {
    CHECK(reason_at(run, line) == "empty article (no title and no text)");
  }
  // Punctuation only: accepted by the reader, no terms for the analyzer, still one story.
  CHECK(run.features.at(1).vector.size() == 0);
}

TEST_CASE("an unknown or invalid lang is dropped with a warning and the language detected") {
  TempDir dir("lang");
  const std::string path = dir.file("lang.jsonl");
  const std::string text =
      "Die Bundesregierung hat am Mittwoch in Berlin ein neues Gesetz für den Klimaschutz "
      "beschlossen, das der Bundestag noch billigen muss.";
  write_file(path, "{\"id\":\"l1\",\"lang\":\"xx\",\"text\":\"" + text + "\"}\n" +
                       "{\"id\":\"l2\",\"lang\":\"deutsch\",\"text\":\"" + text + "\"}\n" +
                       "{\"id\":\"l3\",\"lang\":42,\"text\":\"" + text + "\"}\n" +
                       "{\"id\":\"l4\",\"lang\":\"\xFF\xFE\",\"text\":\"" + text + "\"}\n" +
                       "{\"id\":\"l5\",\"lang\":\"DE-at\",\"text\":\"" + text + "\"}\n");
  const PipelineRun run = run_both(path);
  CHECK(run.rejected.empty());
  // One warning about lang per damaged line (line 4 also gets one for its invalid UTF-8).
  std::vector<std::uint64_t> lang_lines;
  for (const InputWarning& w : run.warnings) {
    if (contains(w.message, "lang")) lang_lines.push_back(w.line);
  }
  CHECK(lang_lines == std::vector<std::uint64_t>{1, 2, 3, 4});
  REQUIRE(run.features.size() == 5);
  for (std::size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(run.features[i].lang_detected);
    CHECK(run.feature_langs[i] == "de");
  }
  CHECK_FALSE(run.features[4].lang_detected);  // "DE-at" is German, normalised
  CHECK(run.feature_langs[4] == "de");
  CHECK(run.stories.size() == 1);  // the same text in all five
}

TEST_CASE("an unparsable time is dropped with a warning and the article clustered without one") {
  TempDir dir("time");
  const std::string path = dir.file("time.jsonl");
  write_file(path, kGoodA + "\n" +
                       "{\"id\":\"t1\",\"text\":\"Fähre fällt aus\",\"time\":\"gestern\"}\n"
                       "{\"id\":\"t2\",\"text\":\"Fähre fällt aus\",\"time\":\"2025-02-30\"}\n"
                       "{\"id\":\"t3\",\"text\":\"Fähre fällt aus\",\"time\":99999999999999}\n"
                       "{\"id\":\"t4\",\"text\":\"Fähre fällt aus\",\"time\":{\"d\":1}}\n");
  const PipelineRun run = run_both(path);
  CHECK(run.rejected.empty());
  REQUIRE(run.warnings.size() == 4);
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(run.warnings[k].line == k + 2);
    CHECK(contains(run.warnings[k].message, "time"));
  }
  REQUIRE(run.features.size() == 5);
  CHECK(run.features[0].time.has_value());
  for (std::size_t i = 1; i < 5; ++i) CHECK_FALSE(run.features[i].time.has_value());
  CHECK(run.assignment[1] == run.assignment[4]);
}

TEST_CASE("a 50 MB article: read whole, its terms capped by the analyzer and marked truncated") {
  TempDir dir("huge");
  const std::string path = dir.file("huge.jsonl");
  constexpr std::size_t kTextBytes = std::size_t{50} << 20;
  {
    // A shuffled German vocabulary, so that the text has many distinct words and names.
    const std::vector<std::string> words = {
        "Regierung", "beschließt", "Haushalt", "für", "Passau", "Donau", "Hochwasser", "Millionen",
        "Euro",      "2025",       "Minister", "sagte", "am",   "Dienstag", "Feuerwehr", "Keller"};
    std::mt19937 rng(50);
    std::string chunk;
    while (chunk.size() < (std::size_t{1} << 20)) {
      chunk += words[rng() % words.size()];
      chunk += rng() % 12 == 0 ? ". " : " ";
    }
    std::ofstream out(path, std::ios::binary);
    out << R"({"id":"huge","lang":"de","title":"Ein sehr langer Text","text":")";
    for (std::size_t written = 0; written < kTextBytes; written += chunk.size()) out << chunk;
    out << "\"}\n" << kGoodA << "\n";
  }
  const PipelineRun run = run_pipeline({path}, PipelineMode::batch);
  check_accounting(run, 2);
  CHECK(run.warnings.empty());  // below ReadOptions::max_article_bytes: the reader keeps it all
  REQUIRE(run.features.size() == 2);
  CHECK(run.features[0].truncated);  // AnalyzerOptions::max_terms cut its terms
  CHECK_FALSE(run.features[1].truncated);
}

TEST_CASE("a file of a million tiny lines: every line accounted for, in bounded batches") {
  TempDir dir("million");
  const std::string path = dir.file("million.jsonl");
  constexpr std::uint64_t kLines = 1'000'000;
  std::uint64_t accepted = 0;
  {
    // Mostly tiny junk (what a broken feed sends), and one tiny article in eight lines.
    std::string content;
    content.reserve(std::size_t{12} << 20);
    const char* junk[] = {"", "{}", "[]", "1", "{\"text\":\"\"}", "x", "{\"text\":1}"};
    for (std::uint64_t i = 0; i < kLines; ++i) {
      if (i % 8 == 0) {
        content += "{\"text\":\"n" + std::to_string(i) + "\"}";
        ++accepted;
      } else {
        content += junk[i % 7];
      }
      content += '\n';
    }
    write_file(path, content);
  }
  const PipelineRun run = run_pipeline({path}, PipelineMode::batch);
  check_accounting(run, kLines);
  CHECK(run.ids.size() == accepted);
  CHECK(run.ids.back() == path + ":" + std::to_string(kLines - 7));  // missing ids: source:line
  CHECK(run.origins.back().line == kLines - 7);
  CHECK(run.rejected.back().line == kLines);
}

TEST_CASE("a binary file inside an input directory is rejected, the other files clustered") {
  TempDir dir("binary_dir");
  write_file(dir.file("a.txt"),
             "Hochwasser in Passau\nDie Donau hat die Altstadt von Passau überflutet.\n");
  write_file(dir.file("b.txt"),
             "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1F\xF3\xFF"s);
  std::string noise;  // no NUL, but mostly invalid UTF-8: a Latin-1 or compressed file
  std::mt19937 rng(9);
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>(0x80 + rng() % 128);
  write_file(dir.file("c.txt"), noise);
  write_file(dir.file("d.txt"),
             "Passau unter Wasser\nDie Donau hat die Altstadt von Passau überflutet.\n");
  write_file(dir.file("image.png"), "\x89PNG\r\n\x1A\n\0\0"s);  // not .txt: not an input
  fs::create_directories(dir.path / "nested.txt");  // named like an article: rejected, not skipped

  for (const PipelineMode mode : {PipelineMode::batch, PipelineMode::stream}) {
    const PipelineRun run = run_pipeline({dir.path.string()}, mode);
    check_accounting(run, 5);
    CHECK(run.ids == std::vector<std::string>{"a", "d"});
    REQUIRE(run.rejected.size() == 3);
    CHECK(run.rejected[0].source == dir.file("b.txt"));
    CHECK(run.rejected[0].reason == "binary file");
    CHECK(run.rejected[1].source == dir.file("c.txt"));
    CHECK(run.rejected[1].reason == "binary file");
    CHECK(run.rejected[2].source == dir.file("nested.txt"));
    CHECK(run.rejected[2].reason == "not a regular file (directory)");
    CHECK(run.assignment[0] == run.assignment[1]);
  }
}
