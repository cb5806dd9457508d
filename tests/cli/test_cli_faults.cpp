// Bad input through the CLI: `crossnews cluster` must never crash, must put every input line in
// the assignments or the --rejected report (with its line number and a reason), must make the
// end-of-run summary add up, and must say on stderr what it altered or could not do.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

using namespace cli_harness;
using namespace std::string_literals;

namespace {

/// An integer field of the summary line (the last line of stderr), or -1.
long long summary(const std::string& err, const std::string& key) {
  const std::size_t line = err.rfind("{\"articles\":");
  if (line == std::string::npos) return -1;
  const std::size_t at = err.find("\"" + key + "\":", line);
  if (at == std::string::npos) return -1;
  return std::stoll(err.substr(at + key.size() + 3));
}

/// The result of `crossnews cluster` on some inputs, with the rejected report.
struct Clustered {
  Run run;
  std::string rejected;  ///< --rejected JSONL
};

Clustered cluster(const std::string& inputs, const std::string& extra = "") {
  const fs::path rejected = temp_dir() / "rejected.jsonl";
  fs::remove(rejected);
  Clustered c;
  c.run = run("cluster " + extra + " --rejected " + quote(rejected) + " " + inputs);
  c.rejected = slurp(rejected);
  return c;
}

/// Exit 0, every input line assigned or rejected, and the summary says the same.
void check_accounting(const Clustered& c, std::size_t input_lines) {
  REQUIRE(c.run.code == 0);
  const std::size_t assigned = count_lines(c.run.out), rejected = count_lines(c.rejected);
  CHECK(assigned + rejected == input_lines);
  CHECK(summary(c.run.err, "articles") == static_cast<long long>(assigned));
  CHECK(summary(c.run.err, "rejected") == static_cast<long long>(rejected));
}

/// The rejected-report line for `line` of the input.
bool rejected_with(const Clustered& c, std::size_t line, const std::string& reason_start) {
  return contains(c.rejected, "\"line\":" + std::to_string(line) + ",\"reason\":\"" + reason_start);
}

const std::string kGoodA =
    R"({"id":"ok-1","lang":"de","title":"Hochwasser in Passau","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller aus.","time":"2025-03-04"})";
const std::string kGoodB =
    R"({"id":"ok-2","lang":"de","title":"Passau unter Wasser","text":"Die Donau hat die Altstadt von Passau überflutet, die Feuerwehr pumpt Keller leer.","time":"2025-03-04T12:00:00Z"})";

}  // namespace

TEST_CASE("invalid UTF-8 is repaired with a warning, a cut last line rejected by number") {
  const std::string content = kGoodA + "\n" +
                              "{\"id\":\"latin1\",\"title\":\"M\xFCnchen\",\"text\":\"Der F\xF6hn "
                              "kommt aus den Bergen.\"}\n" +
                              kGoodB + "\n{\"id\":\"cut\",\"text\":\"Gr\xC3";
  const fs::path input = write_file("utf8.jsonl", content);
  const Clustered c = cluster(quote(input), "");
  check_accounting(c, 4);
  CHECK(contains(c.run.out, "latin1\t"));
  CHECK(rejected_with(c, 4, "malformed JSON"));
  CHECK(contains(c.run.err, "warning: " + input.string() + ":2: "));
  CHECK(contains(c.run.err, "invalid UTF-8"));
  // --quiet prints nothing but errors
  const Clustered quiet = cluster(quote(input), "--quiet");
  CHECK(quiet.run.err.empty());
}

TEST_CASE("NUL bytes: a raw NUL rejects its line, an escaped one is text") {
  const fs::path input = write_file(
      "nul.jsonl", kGoodA + "\n" + "{\"id\":\"raw\",\"text\":\"Null\0Byte\"}\n"s +
                       "{\"id\":\"escaped\",\"text\":\"Null\\u0000Byte\"}\n\0\0\n"s + kGoodB);
  const Clustered c = cluster(quote(input));
  check_accounting(c, 5);
  CHECK(contains(c.run.out, "escaped\t"));
  CHECK(rejected_with(c, 2, "NUL byte at byte"));
  CHECK(rejected_with(c, 4, "NUL byte at byte"));
}

TEST_CASE("a malformed JSON line is reported with its line number, the rest is clustered") {
  const fs::path input =
      write_file("malformed.jsonl", kGoodA + "\n{\"id\":\"comma\",\"text\":\"x\",}\n" +
                                        "{\"id\":\"open\",\"text\":\"x\"\n" + kGoodB + "\n");
  const Clustered c = cluster(quote(input));
  check_accounting(c, 4);
  CHECK(rejected_with(c, 2, "malformed JSON: "));
  CHECK(rejected_with(c, 3, "malformed JSON: "));
  // the two reports around the bad lines still form one story
  const std::string first = c.run.out.substr(0, c.run.out.find('\n'));
  const std::string second = c.run.out.substr(c.run.out.find('\n') + 1);
  CHECK(first.substr(first.find('\t')) + "\n" == second.substr(second.find('\t')));
}

TEST_CASE("JSON that is not an object is rejected") {
  const fs::path input =
      write_file("values.jsonl", "[1,2]\n\"text\"\n42\nnull\nfalse\n" + kGoodA + "\n");
  const Clustered c = cluster(quote(input));
  check_accounting(c, 6);
  CHECK(rejected_with(c, 1, "not a JSON object (found array)"));
  CHECK(rejected_with(c, 2, "not a JSON object (found string)"));
  CHECK(rejected_with(c, 3, "not a JSON object (found number)"));
  CHECK(rejected_with(c, 4, "not a JSON object (found null)"));
  CHECK(rejected_with(c, 5, "not a JSON object (found boolean)"));
}

TEST_CASE("a missing text or a text that is not a string is rejected") {
  const fs::path input = write_file("text.jsonl",
                                    "{\"id\":\"t1\",\"title\":\"Nur ein Titel\"}\n"
                                    "{\"id\":\"t2\",\"text\":42}\n"
                                    "{\"id\":\"t3\",\"text\":[\"Donau\"]}\n" +
                                        kGoodA + "\n");
  const Clustered c = cluster(quote(input));
  check_accounting(c, 4);
  CHECK(rejected_with(c, 1, "missing field 'text'"));
  CHECK(rejected_with(c, 2, "field 'text' is not a string (found number)"));
  CHECK(rejected_with(c, 3, "field 'text' is not a string (found array)"));
}

TEST_CASE("duplicate ids: the first wins, in one file and across two") {
  const fs::path one = write_file("dup_one.jsonl", kGoodA + "\n" + kGoodA + "\n");
  const fs::path two = write_file("dup_two.jsonl", kGoodB + "\n" + kGoodA + "\n");
  const Clustered c = cluster(quote(one) + " " + quote(two));
  check_accounting(c, 4);
  CHECK(c.run.out.find("ok-1\t") == 0);
  CHECK(rejected_with(c, 2, "duplicate id 'ok-1' (first at line 1)"));
  CHECK(contains(c.rejected, "duplicate id 'ok-1' (first at " + one.string() + ":1)"));
}

TEST_CASE("an empty title and text are rejected") {
  const fs::path input = write_file("empty.jsonl",
                                    "{\"id\":\"e1\",\"title\":\"\",\"text\":\"\"}\n"
                                    "{\"id\":\"e2\",\"title\":\" \",\"text\":\"\\n\\t\"}\n"
                                    "{\"id\":\"e3\",\"title\":\"Brücke gesperrt\",\"text\":\"\"}\n");
  const Clustered c = cluster(quote(input));
  check_accounting(c, 3);
  CHECK(rejected_with(c, 1, "empty article (no title and no text)"));
  CHECK(rejected_with(c, 2, "empty article (no title and no text)"));
  CHECK(contains(c.run.out, "e3\t"));
}

TEST_CASE("an unknown or invalid lang and an unparsable time are warnings, not rejects") {
  const fs::path input = write_file(
      "lang_time.jsonl",
      kGoodA + "\n" +
          "{\"id\":\"l1\",\"lang\":\"xx\",\"text\":\"Die Regierung beschließt ein neues Gesetz.\"}\n"
          "{\"id\":\"l2\",\"lang\":[\"de\"],\"text\":\"Die Regierung beschließt ein Gesetz.\"}\n"
          "{\"id\":\"t1\",\"text\":\"Fähre fällt aus\",\"time\":\"gestern\"}\n"
          "{\"id\":\"t2\",\"text\":\"Fähre fällt aus\",\"time\":\"2025-02-30\"}\n");
  const Clustered c = cluster(quote(input), "");
  check_accounting(c, 5);
  CHECK(c.rejected.empty());
  for (const int line : {2, 3}) {
    const std::size_t at = c.run.err.find(input.string() + ":" + std::to_string(line) + ": ");
    REQUIRE(at != std::string::npos);
    CHECK(contains(c.run.err.substr(at, c.run.err.find('\n', at) - at), "lang"));
  }
  for (const int line : {4, 5}) {
    const std::size_t at = c.run.err.find(input.string() + ":" + std::to_string(line) + ": ");
    REQUIRE(at != std::string::npos);
    CHECK(contains(c.run.err.substr(at, c.run.err.find('\n', at) - at), "time"));
  }
}

TEST_CASE("only the first 20 warnings are printed, with the total") {
  std::string content;
  for (int i = 0; i < 30; ++i) {
    content += "{\"id\":\"w" + std::to_string(i) + "\",\"lang\":\"zz\",\"text\":\"Meldung " +
               std::to_string(i) + "\"}\n";
  }
  const fs::path input = write_file("warnings.jsonl", content);
  const Clustered c = cluster(quote(input), "");
  check_accounting(c, 30);
  std::size_t printed = 0;
  for (std::size_t at = 0; (at = c.run.err.find("crossnews: warning: ", at)) != std::string::npos;
       ++at) {
    ++printed;
  }
  CHECK(printed == 20);
  CHECK(contains(c.run.err, "30 warnings in all (first 20 shown)"));
}

TEST_CASE("a 50 MB article is clustered with its terms capped, a warning, and analyze's mark") {
  std::string chunk;
  const char* words[] = {"Regierung", "Haushalt", "Passau", "Donau", "Hochwasser", "Millionen",
                         "Euro", "2025", "Minister", "sagte", "Feuerwehr", "Keller"};
  std::mt19937 rng(50);
  while (chunk.size() < (std::size_t{1} << 20)) {
    chunk += words[rng() % std::size(words)];
    chunk += rng() % 12 == 0 ? ". " : " ";
  }
  const fs::path input = temp_dir() / "huge.jsonl";
  {
    std::ofstream out(input, std::ios::binary);
    out << R"({"id":"huge","lang":"de","title":"Ein sehr langer Text","text":")";
    for (std::size_t written = 0; written < (std::size_t{50} << 20); written += chunk.size()) {
      out << chunk;
    }
    out << "\"}\n" << kGoodA << "\n";
  }
  const Clustered c = cluster(quote(input), "");
  check_accounting(c, 2);
  CHECK(c.run.out.find("huge\t") == 0);
  CHECK(contains(c.run.err, "huge.jsonl:1: article 'huge' has more than 100000 terms"));
  CHECK_FALSE(contains(c.run.err, "article 'ok-1'"));
  // The analyzer caps the terms (AnalyzerOptions::max_terms); `analyze` shows the mark.
  const Run analyzed = run("analyze " + quote(input));
  REQUIRE(analyzed.code == 0);
  CHECK(analyzed.out.find("{\"id\":\"huge\",\"lang\":\"de\",\"lang_detected\":false,"
                          "\"truncated\":true,") == 0);
  fs::remove(input);
}

TEST_CASE("a file of a million tiny lines: every line assigned or rejected") {
  const fs::path input = temp_dir() / "million.jsonl";
  constexpr std::size_t kLines = 1'000'000;
  std::size_t articles = 0;
  {
    std::string content;
    content.reserve(std::size_t{12} << 20);
    const char* junk[] = {"", "{}", "[]", "1", "{\"text\":\"\"}", "x", "{\"text\":1}"};
    for (std::size_t i = 0; i < kLines; ++i) {
      if (i % 8 == 0) {
        content += "{\"text\":\"n" + std::to_string(i) + "\"}";
        ++articles;
      } else {
        content += junk[i % 7];
      }
      content += '\n';
    }
    std::ofstream(input, std::ios::binary) << content;
  }
  const Clustered c = cluster(quote(input));
  check_accounting(c, kLines);
  CHECK(count_lines(c.run.out) == articles);
  CHECK(contains(c.rejected, "\"line\":" + std::to_string(kLines) + ","));
  fs::remove(input);
}

TEST_CASE("a binary file inside an input directory is rejected, the rest clustered") {
  const fs::path dir = temp_dir() / "articles";
  fs::create_directories(dir);
  write_file("articles/a.txt", "Hochwasser in Passau\nDie Donau hat die Altstadt überflutet.\n");
  write_file("articles/b.txt", "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0"s);
  write_file("articles/c.txt", "Passau unter Wasser\nDie Donau hat die Altstadt überflutet.\n");
  write_file("articles/photo.jpg", "\xFF\xD8\xFF\xE0\0\x10JFIF\0"s);
  const Clustered c = cluster(quote(dir));
  check_accounting(c, 3);
  CHECK(contains(c.rejected, "{\"source\":\"" + (dir / "b.txt").string() +
                                 "\",\"line\":0,\"reason\":\"binary file\"}"));
  CHECK(c.run.out.find("a\t") == 0);
  CHECK(contains(c.run.out, "\nc\t"));
}

TEST_CASE("a missing input file or directory exits 2 and names it, before any output") {
  const fs::path good = write_file("good.jsonl", kGoodA + "\n");
  const fs::path out = temp_dir() / "never.tsv";
  for (const char* missing : {"/no/such/input.jsonl", "/no/such/directory/"}) {
    CAPTURE(missing);
    fs::remove(out);
    const Run r =
        run("cluster --quiet -o " + quote(out) + " " + quote(good) + " '" + missing + "'");
    CHECK(r.code == 2);
    CHECK(contains(r.err, missing));
    CHECK(slurp(out).empty());
  }
}

TEST_CASE("an unwritable output path exits 1 and names it") {
  const fs::path good = write_file("good.jsonl", kGoodA + "\n");
  const fs::path dir = temp_dir();
  for (const char* option : {"-o", "--stories", "--rejected"}) {
    for (const std::string& path : {"/no/such/dir/file"s, dir.string()}) {
      CAPTURE(option);
      CAPTURE(path);
      const Run r = run("cluster --quiet "s + option + " '" + path + "' " + quote(good));
      CHECK(r.code == 1);
      CHECK(contains(r.err, path));
    }
  }
}

TEST_CASE("bad lines in a --lexicon TSV are reported by line number and skipped") {
  const fs::path lexicon = write_file("bad_lexicon.tsv",
                                      "concept\tde\tit\n"
                                      "flood\tHochwasser\talluvione\n"
                                      "a line without tabs\n"
                                      "de\tKeller\tit\tcantina\tmuch\n");
  const fs::path input = write_file("lexicon_input.jsonl", kGoodA + "\n");
  const Clustered c = cluster("--lexicon " + quote(lexicon) + " " + quote(input), "");
  check_accounting(c, 1);
  CHECK(contains(c.run.err, lexicon.string() + ":3: "));
  CHECK(contains(c.run.err, lexicon.string() + ":4: "));
  CHECK(contains(c.run.err, "(line skipped)"));
  CHECK_FALSE(contains(c.run.err, lexicon.string() + ":2: "));
  CHECK(run("cluster --quiet --lexicon /no/such/lexicon.tsv " + quote(input)).code == 2);
}

TEST_CASE("a truncated or corrupt FreeDict dictionary exits 1 and names the file") {
  const fs::path dir = temp_dir() / "freedict";
  fs::create_directories(dir);
  const fs::path index = dir / "freedict-deu-ita.index";
  const fs::path input = write_file("freedict_input.jsonl", kGoodA + "\n");
  const std::string body = "Hochwasser\nalluvione\nFeuerwehr\nvigili del fuoco\n";
  std::ofstream(index, std::ios::binary) << "Hochwasser\tA\tV\nFeuerwehr\tV\tb\n";
  std::ofstream(dir / "freedict-deu-ita.dict", std::ios::binary) << body;
  CHECK(run("cluster --quiet --freedict " + quote(index) + " " + quote(input)).code == 0);

  // a body cut short: the second entry lies beyond its end
  std::ofstream(dir / "freedict-deu-ita.dict", std::ios::binary) << body.substr(0, 25);
  Run r = run("cluster --quiet --freedict " + quote(index) + " " + quote(input));
  CHECK(r.code == 1);
  CHECK(contains(r.err, index.string()));
  // a compressed body that is not gzip
  fs::remove(dir / "freedict-deu-ita.dict");
  std::ofstream(dir / "freedict-deu-ita.dict.dz", std::ios::binary) << "\x1F\x8B\x08garbage";
  r = run("cluster --quiet --freedict " + quote(index) + " " + quote(input));
  CHECK(r.code == 1);
  CHECK(contains(r.err, "freedict-deu-ita"));
  // an index line with bad base64
  std::ofstream(index, std::ios::binary) << "Hochwasser\t!!\tV\n";
  r = run("lexicon import-freedict " + quote(index));
  CHECK(r.code == 1);
  CHECK(contains(r.err, index.string() + ":1:"));
}
