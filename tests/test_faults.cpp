// Bad input through the whole pipeline (reader -> analyzer -> featurizer -> clusterer), and
// random bytes through the analyzer and the lexicon loader. Each case feeds one kind of damage and
// checks that nothing crashes, that every input line ends in exactly one place (an assignment or
// a rejected record with a reason), and that what was altered on the way in is reported.
// The reader's own unit tests (tests/test_corpus_io.cpp) pin the exact reasons and byte offsets;
// here the point is that the rest of the pipeline survives what the reader lets through.

#include <crossnews/crossnews.hpp>

#include "io/detail/utf8.hpp"

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace crossnews;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed with the object.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() /
             ("crossnews_faults_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string write_file(const std::string& path, std::string_view content) {
  std::ofstream(path, std::ios::binary).write(content.data(), std::streamsize(content.size()));
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Lines as the reader counts them: one per '\n', plus a final line without one.
std::uint64_t count_lines(std::string_view content) {
  const auto newlines = std::uint64_t(std::count(content.begin(), content.end(), '\n'));
  return newlines + (!content.empty() && content.back() != '\n' ? 1 : 0);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

bool valid_utf8(std::string_view s) { return detail::scan_utf8(s).invalid_sequences == 0; }

const Analyzer& shared_analyzer() {
  static const Analyzer analyzer;
  return analyzer;
}

/// What one run of the pipeline left behind: ids and origins of accepted articles, the reader's
/// rejects and warnings, and the clusterer's output.
struct PipelineRun {
  std::vector<std::string> ids;
  std::vector<ArticleOrigin> origins;
  std::vector<Rejected> rejected;
  std::vector<InputWarning> warnings;
  std::vector<ClusterId> assignment;
  std::vector<StorySummary> stories;
  std::uint64_t lines_read = 0;
  /// Batch mode only: the featurized articles' flags, in input order.
  std::vector<DocFeatures> features;
  std::vector<std::string> feature_langs;
};

/// Streams `inputs` through an ArticleReader in small batches into a batch or stream clusterer,
/// as an embedding service would.
PipelineRun run_pipeline(const std::vector<std::string>& inputs, ClusterMode mode,
                         const Lexicon* lexicon = nullptr, ReadOptions read = {}) {
  ArticleReader reader(std::span<const std::string>(inputs), read);
  ClusterOptions options;
  options.mode = mode;
  PipelineRun run;
  std::vector<Article> batch;
  auto drain = [&](auto&& consume) {
    while (reader.next(batch, 512, &run.origins)) {
      consume(batch);
      for (const Article& a : batch) run.ids.push_back(a.id);
      batch.clear();
    }
  };
  if (mode == ClusterMode::batch) {
    BatchClusterer clusterer(shared_analyzer(), lexicon, options);
    drain([&](const std::vector<Article>& articles) { clusterer.add(articles); });
    ClusteringResult result = clusterer.run();
    run.assignment = std::move(result.assignment);
    run.stories = std::move(result.stories);
    const Featurizer& featurizer = clusterer.featurizer();
    for (std::size_t i = 0; i < featurizer.size(); ++i) {
      run.features.push_back(featurizer.features(i));
      run.feature_langs.emplace_back(featurizer.language(featurizer.features(i).lang_slot));
    }
  } else {
    StreamClusterer clusterer(shared_analyzer(), lexicon, options);
    drain([&](const std::vector<Article>& articles) {
      for (const Article& a : articles) clusterer.add(a);
    });
    run.assignment = clusterer.assignment();
    run.stories = clusterer.stories();
  }
  run.rejected = std::move(reader.rejected());
  run.warnings = std::move(reader.warnings());
  run.lines_read = reader.lines_read();
  return run;
}

/// Every record is accepted or rejected with a reason, every accepted article is in exactly one
/// story, and the story sizes add up.
void check_accounting(const PipelineRun& run, std::uint64_t expected_records) {
  CHECK(run.lines_read == expected_records);
  CHECK(run.ids.size() + run.rejected.size() == expected_records);
  CHECK(run.origins.size() == run.ids.size());
  REQUIRE(run.assignment.size() == run.ids.size());
  for (const Rejected& r : run.rejected) CHECK_FALSE(r.reason.empty());
  std::multiset<std::string> members;
  std::size_t total = 0;
  for (const StorySummary& story : run.stories) {
    total += story.size;
    members.insert(story.member_ids.begin(), story.member_ids.end());
  }
  CHECK(total == run.ids.size());
  CHECK(members == std::multiset<std::string>(run.ids.begin(), run.ids.end()));
}

/// Runs one JSONL file through batch and stream clustering; both must account for every line
/// the same way. Returns the batch run.
PipelineRun run_both(const std::string& path, ReadOptions read = {}) {
  const std::uint64_t lines = count_lines(read_file(path));
  PipelineRun batch = run_pipeline({path}, ClusterMode::batch, nullptr, read);
  check_accounting(batch, lines);
  const PipelineRun stream = run_pipeline({path}, ClusterMode::stream, nullptr, read);
  check_accounting(stream, lines);
  CHECK(stream.ids == batch.ids);
  CHECK(stream.rejected.size() == batch.rejected.size());
  return batch;
}

/// The reject at `line`, or nullptr.
const Rejected* rejected_at(const PipelineRun& run, std::uint64_t line) {
  for (const Rejected& r : run.rejected) {
    if (r.line == line) return &r;
  }
  return nullptr;
}

std::string reason_at(const PipelineRun& run, std::uint64_t line) {
  const Rejected* r = rejected_at(run, line);
  return r == nullptr ? std::string("<accepted>") : r->reason;
}

std::size_t index_of(const PipelineRun& run, const std::string& id) {
  const auto it = std::find(run.ids.begin(), run.ids.end(), id);
  REQUIRE(it != run.ids.end());
  return static_cast<std::size_t>(it - run.ids.begin());
}

// Two short reports of one story, in German, to sit around the damaged lines.
const std::string kGoodA =
    R"({"id":"ok-1","lang":"de","title":"Hochwasser in Passau","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller aus.","time":"2025-03-04"})";
const std::string kGoodB =
    R"({"id":"ok-2","lang":"de","title":"Passau unter Wasser","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller leer.","time":"2025-03-04T12:00:00Z"})";

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

  for (const ClusterMode mode : {ClusterMode::batch, ClusterMode::stream}) {
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
  const PipelineRun run = run_pipeline({path}, ClusterMode::batch);
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
  const PipelineRun run = run_pipeline({path}, ClusterMode::batch);
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

  for (const ClusterMode mode : {ClusterMode::batch, ClusterMode::stream}) {
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
  for (const ClusterMode mode : {ClusterMode::batch, ClusterMode::stream}) {
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
    auto b64 = [](std::size_t v) {
      static constexpr std::string_view kDigits =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      std::string s;
      do {
        s.insert(s.begin(), kDigits[v % 64]);
        v /= 64;
      } while (v > 0);
      return s;
    };
    index_text += "Wort" + std::to_string(i) + "\t" + b64(text.size()) + "\t" +
                  b64(entry.size()) + "\n";
    text += entry;
  }
  write_file(index.string(), index_text);
  gzFile gz = gzopen(body.string().c_str(), "wb");
  REQUIRE(gz != nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);

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

TEST_CASE("a truncated or corrupt DF snapshot is a FormatError and leaves the table unchanged") {
  TempDir dir("snapshot");
  const std::string path = write_file(dir.file("news.jsonl"), kGoodA + "\n" + kGoodB + "\n");
  const std::string input = path;
  const Corpus corpus = read_corpus(std::span<const std::string>(&input, 1));
  Featurizer featurizer(shared_analyzer(), nullptr);
  featurizer.add(corpus.articles);
  featurizer.finish();
  std::ostringstream saved;
  featurizer.document_frequencies().save(saved);
  const std::string bytes = saved.str();
  REQUIRE(bytes.size() > 32);

  Vocabulary vocabulary;
  DocumentFrequencies df(vocabulary);
  {
    std::istringstream in(bytes);
    df.load(in);
  }
  const double documents = df.total_documents();
  CHECK(documents == 2.0);
  auto load_error = [&](const std::string& broken) -> std::string {
    std::istringstream in(broken);
    try {
      df.load(in);
    } catch (const FormatError& e) {
      return e.what();
    }
    return "<loaded>";
  };
  CHECK(contains(load_error(bytes.substr(0, bytes.size() / 2)), "truncated"));
  CHECK(contains(load_error(bytes.substr(0, 5)), "truncated"));
  CHECK(contains(load_error(""), "truncated"));
  std::string corrupt = bytes;
  corrupt[corrupt.size() - 3] = static_cast<char>(corrupt[corrupt.size() - 3] ^ 0x5A);
  CHECK(load_error(corrupt) != "<loaded>");
  CHECK(contains(load_error("PK\x03\x04 a zip file, not a snapshot at all"), "snapshot"));
  CHECK(df.total_documents() == documents);
}

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
