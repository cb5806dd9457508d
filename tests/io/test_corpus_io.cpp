#include <crossnews/corpus_io.hpp>
#include <crossnews/error.hpp>

#include "io/detail/lines.hpp"
#include "io/detail/utf8.hpp"
#include "io_test_util.hpp"

#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

using crossnews::Article;
using crossnews::ArticleOrigin;
using crossnews::ArticleReader;
using crossnews::Corpus;
using crossnews::ReadOptions;
using namespace std::string_literals;
using namespace io_test;

namespace {

Corpus parse(std::string_view content, ReadOptions options = {}) {
  Corpus corpus;
  crossnews::parse_jsonl("mem.jsonl", content, corpus, options);
  return corpus;
}

/// The only article of a one-line input (fails the test if it was rejected).
Article single(std::string_view line, ReadOptions options = {}) {
  Corpus corpus = parse(line, options);
  REQUIRE_MESSAGE(corpus.articles.size() == 1,
                  (corpus.rejected.empty() ? std::string("?") : corpus.rejected[0].reason));
  return corpus.articles[0];
}

/// The reject reason of a one-line input (empty if it was accepted).
std::string reason_of(std::string_view line, ReadOptions options = {}) {
  Corpus corpus = parse(line, options);
  return corpus.rejected.empty() ? std::string() : corpus.rejected[0].reason;
}

}  // namespace

TEST_CASE("valid lines with all fields") {
  ArticleReader reader(kData + "valid.jsonl");
  std::vector<Article> articles;
  std::vector<ArticleOrigin> origins;
  while (reader.next(articles, 10, &origins)) {
  }
  REQUIRE(articles.size() == 3);
  CHECK(reader.rejected().empty());
  CHECK(reader.warnings().empty());
  CHECK(reader.lines_read() == 3);
  CHECK(reader.bytes_read() == fs::file_size(kData + "valid.jsonl"));

  CHECK(articles[0].id == "de-1");
  CHECK(articles[0].lang == "de");
  CHECK(articles[0].title == "Graz bekommt ein Solardach auf dem Rathaus");
  CHECK(articles[0].text.starts_with("Die Stadt Graz lässt"));
  CHECK(articles[0].time == 1516924800);  // 2018-01-26T00:00:00Z
  CHECK(articles[0].story == "graz-solar");

  CHECK(articles[1].id == "17");          // a number id becomes its decimal string
  CHECK(articles[1].lang == "it");        // "it-IT": region dropped
  CHECK(articles[1].time == 1516960800);  // 10:00Z

  CHECK(articles[2].lang == "en");        // "EN" lower-cased
  CHECK(articles[2].time == 1516957200);  // 10:00:00.250+01:00 = 09:00:00Z, fraction dropped
  CHECK(articles[2].story == "42");

  REQUIRE(origins.size() == 3);
  CHECK(origins[2].source == kData + "valid.jsonl");
  CHECK(origins[2].line == 3);
}

TEST_CASE("time: ISO 8601 forms and epoch seconds") {
  const std::pair<std::string, std::int64_t> accepted[] = {
      {"\"2000-02-29T12:30:15Z\"", 951827415},
      {"\"2000-02-29 12:30:15\"", 951827415},
      {"\"2000-02-29t12:30:15z\"", 951827415},
      {"\"2000-02-29T14:30:15+02:00\"", 951827415},
      {"\"2000-02-29T14:30:15+0200\"", 951827415},
      {"\"2000-02-29T10:30:15-02\"", 951827415},
      {"\"2000-02-29T12:30:15,999Z\"", 951827415},
      {"\"2000-02-29T12:30Z\"", 951827400},
      {"\"1969-12-31T23:00:00Z\"", -3600},
      {"951827415", 951827415},
      {"951827415.9", 951827415},
      {"-3600", -3600}};
  for (const auto& [value, seconds] : accepted) {
    INFO(value);
    const Article a = single("{\"text\":\"x\",\"time\":" + value + "}");
    CHECK(a.time == seconds);
  }
}

TEST_CASE("time: unparsable values are dropped with a warning, the article kept") {
  const std::string rejected[] = {"\"2018-02-30\"",
                                  "\"2017-02-29\"",
                                  "\"yesterday\"",
                                  "\"2018-01-26T25:00:00Z\"",
                                  "\"2018-1-26\"",
                                  "\"2018-01-26T10:00:00+01:00 \"",
                                  "\"2018-01-26T10:00:00+1\"",
                                  "1516924800000",
                                  "true",
                                  "[2018]"};
  for (const std::string& value : rejected) {
    INFO(value);
    Corpus corpus = parse("{\"text\":\"x\",\"time\":" + value + "}");
    REQUIRE(corpus.articles.size() == 1);
    CHECK(!corpus.articles[0].time.has_value());
    REQUIRE(corpus.warnings.size() == 1);
    CHECK(corpus.warnings[0].line == 1);
    CHECK(contains(corpus.warnings[0].message, "time"));
  }
  CHECK(parse("{\"text\":\"x\",\"time\":null}").warnings.empty());
}

TEST_CASE("lang: normalised to ISO 639-1, unknown or invalid codes dropped with a warning") {
  const std::pair<std::string, std::string> known[] = {
      {"\"DE\"", "de"},         {"\"de-DE\"", "de"}, {"\"pt_BR\"", "pt"}, {"\"iw\"", "he"},
      {"\"zh-Hant-TW\"", "zh"}, {"\"\"", ""},        {"null", ""}};
  for (const auto& [value, code] : known) {
    INFO(value);
    Corpus corpus = parse("{\"text\":\"x\",\"lang\":" + value + "}");
    REQUIRE(corpus.articles.size() == 1);
    CHECK(corpus.articles[0].lang == code);
    CHECK(corpus.warnings.empty());
  }
  for (const std::string value : {"\"xx\"", "\"deu\"", "\"d\"", "\"d1\"", "7", "[\"de\"]"}) {
    INFO(value);
    Corpus corpus = parse("{\"text\":\"x\",\"lang\":" + value + "}");
    REQUIRE(corpus.articles.size() == 1);
    CHECK(corpus.articles[0].lang.empty());
    REQUIRE(corpus.warnings.size() == 1);
    CHECK(contains(corpus.warnings[0].message, "lang"));
  }
}

TEST_CASE("invalid UTF-8 is replaced by U+FFFD with a warning, or rejected if asked") {
  // \xC3 before a space and \xE2\x82 before a space are each one maximal invalid subpart
  const std::string line = "{\"id\":\"u\",\"text\":\"caf\xC3 ok \xE2\x82 x\"}\n{\"text\":\"fine\"}";
  Corpus corpus = parse(line);
  REQUIRE(corpus.articles.size() == 2);
  CHECK(corpus.articles[0].text == "caf\xEF\xBF\xBD ok \xEF\xBF\xBD x");
  REQUIRE(corpus.warnings.size() == 1);
  CHECK(corpus.warnings[0].line == 1);
  CHECK(contains(corpus.warnings[0].message, "2 invalid UTF-8"));

  ReadOptions strict;
  strict.repair_utf8 = false;
  Corpus rejected = parse(line, strict);
  CHECK(rejected.articles.size() == 1);
  REQUIRE(rejected.rejected.size() == 1);
  CHECK(rejected.rejected[0].line == 1);
  CHECK(rejected.rejected[0].reason == "invalid UTF-8 at byte 22");
}

TEST_CASE("a truncated multi-byte sequence at the end of a file") {
  TempDir dir("io_truncated");
  // the file is cut inside "ü" (\xC3\xBC) of the second line: no closing quote, no newline
  const std::string path = dir.file("cut.jsonl");
  write_file(path, "{\"id\":\"z1\",\"text\":\"Zürich\"}\n{\"id\":\"z2\",\"text\":\"Gr\xC3");
  Corpus corpus = crossnews::read_corpus(std::vector<std::string>{path});
  REQUIRE(corpus.articles.size() == 1);
  CHECK(corpus.articles[0].id == "z1");
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].line == 2);
  CHECK(corpus.rejected[0].reason.starts_with("malformed JSON"));

  // a complete last line without newline whose string ends in a lone lead byte
  write_file(path, "{\"id\":\"z3\",\"text\":\"Gr\xC3\xBC\xC3\"}");
  corpus = crossnews::read_corpus(std::vector<std::string>{path});
  REQUIRE(corpus.articles.size() == 1);
  CHECK(corpus.articles[0].text == "Gr\xC3\xBC\xEF\xBF\xBD");
}

TEST_CASE("NUL bytes: a raw NUL rejects the line, an escaped one is text") {
  const std::string content =
      "{\"id\":\"n1\",\"text\":\"a\0b\"}\n"s + "{\"id\":\"n2\",\"text\":\"a\\u0000b\"}\n";
  Corpus corpus = parse(content);
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].line == 1);
  CHECK(corpus.rejected[0].reason == "NUL byte at byte 21");
  REQUIRE(corpus.articles.size() == 1);
  CHECK(corpus.articles[0].text == std::string("a\0b", 3));
}

TEST_CASE("a malformed JSON line is reported with its line number and the rest is read") {
  Corpus corpus = parse(
      "{\"id\":\"m1\",\"text\":\"one\"}\n{\"id\":\"m2\",\"text\":\"two\",}\n"
      "{\"id\":\"m3\",\"text\":\"three\"}\n");
  REQUIRE(corpus.articles.size() == 2);
  CHECK(corpus.articles[0].id == "m1");
  CHECK(corpus.articles[1].id == "m3");
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].source == "mem.jsonl");
  CHECK(corpus.rejected[0].line == 2);
  CHECK(corpus.rejected[0].reason.starts_with("malformed JSON: "));
}

TEST_CASE("JSON that is not an object is rejected") {
  CHECK(reason_of("[\"text\", \"x\"]") == "not a JSON object (found array)");
  CHECK(reason_of("\"text\"") == "not a JSON object (found string)");
  CHECK(reason_of("42") == "not a JSON object (found number)");
  CHECK(reason_of("null") == "not a JSON object (found null)");
}

TEST_CASE("missing text, and fields of the wrong type") {
  CHECK(reason_of("{\"id\":\"x\",\"title\":\"t\"}") == "missing field 'text'");
  CHECK(reason_of("{\"text\":42}") == "field 'text' is not a string (found number)");
  CHECK(reason_of("{\"text\":null}") == "field 'text' is not a string (found null)");
  CHECK(reason_of("{\"text\":\"x\",\"title\":5}") ==
        "field 'title' is not a string (found number)");
  CHECK(reason_of("{\"text\":\"x\",\"id\":[1]}") ==
        "field 'id' is not a string or number (found array)");
  CHECK(reason_of("{\"text\":\"x\",\"id\":true}") ==
        "field 'id' is not a string or number (found boolean)");
  // a repeated key takes its last value, as Python's json does
  CHECK(single("{\"text\":1,\"text\":\"second\"}").text == "second");
}

TEST_CASE("duplicate ids: the first accepted article wins") {
  Corpus corpus = parse(
      "{\"id\":\"a\",\"text\":\"first\"}\n"
      "{\"id\":\"x\"}\n"  // rejected (no text): does not claim x
      "{\"id\":\"a\",\"text\":\"second\"}\n"
      "{\"id\":\"x\",\"text\":\"x is free\"}\n"
      "{\"id\":7,\"text\":\"number seven\"}\n"
      "{\"id\":\"7\",\"text\":\"string seven\"}\n");
  REQUIRE(corpus.articles.size() == 3);
  CHECK(corpus.articles[0].text == "first");
  CHECK(corpus.articles[1].id == "x");
  CHECK(corpus.articles[2].text == "number seven");
  REQUIRE(corpus.rejected.size() == 3);
  CHECK(corpus.rejected[1].line == 3);
  CHECK(corpus.rejected[1].reason == "duplicate id 'a' (first at line 1)");
  CHECK(corpus.rejected[2].reason == "duplicate id '7' (first at line 5)");
}

TEST_CASE("duplicate ids across inputs and against an existing corpus") {
  TempDir dir("io_dups");
  write_file(dir.file("one.jsonl"), "{\"id\":\"s\",\"text\":\"one\"}\n");
  write_file(dir.file("two.jsonl"),
             "{\"id\":\"t\",\"text\":\"two\"}\n{\"id\":\"s\",\"text\":\"2\"}\n");
  const Corpus corpus = crossnews::read_corpus(
      std::vector<std::string>{dir.file("one.jsonl"), dir.file("two.jsonl")});
  CHECK(corpus.articles.size() == 2);
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].source == dir.file("two.jsonl"));
  CHECK(corpus.rejected[0].reason == "duplicate id 's' (first at " + dir.file("one.jsonl") + ":1)");

  Corpus existing;
  existing.articles.push_back(Article{.id = "s", .title = "", .text = "already here"});
  crossnews::parse_jsonl("more.jsonl", "{\"id\":\"s\",\"text\":\"again\"}", existing);
  CHECK(existing.articles.size() == 1);
  REQUIRE(existing.rejected.size() == 1);
  CHECK(existing.rejected[0].reason == "duplicate id 's' (already in the corpus)");
}

TEST_CASE("empty title and text are rejected, a title alone is an article") {
  CHECK(reason_of("{\"text\":\"\"}") == "empty article (no title and no text)");
  CHECK(reason_of("{\"title\":\" \\t\",\"text\":\"\\n \"}") ==
        "empty article (no title and no text)");
  CHECK(single("{\"title\":\"Breaking: bridge closed\",\"text\":\"\"}").title ==
        "Breaking: bridge closed");
}

TEST_CASE("ids: numbers as Python's str, missing ids from the position, TSV-breaking ids") {
  CHECK(single("{\"id\":7,\"text\":\"x\"}").id == "7");
  CHECK(single("{\"id\":7.50,\"text\":\"x\"}").id == "7.5");
  CHECK(single("{\"id\":1e2,\"text\":\"x\"}").id == "100.0");
  CHECK(single("{\"id\":-0,\"text\":\"x\"}").id == "0");
  CHECK(single("{\"id\":12345678901234567890,\"text\":\"x\"}").id == "12345678901234567890");
  CHECK(single("{\"id\":null,\"text\":\"x\"}").id == "mem.jsonl:1");
  CHECK(parse("\n\n{\"text\":\"x\"}").articles.at(0).id == "mem.jsonl:3");
  CHECK(reason_of("{\"id\":\"a\\tb\",\"text\":\"x\"}") == "id contains tab or newline");
  CHECK(reason_of("{\"id\":\"a\\nb\",\"text\":\"x\"}") == "id contains tab or newline");
  CHECK(reason_of("{\"id\":\"a\\rb\",\"text\":\"x\"}") == "id contains tab or newline");
  CHECK(reason_of("{\"id\":\"\",\"text\":\"x\"}") == "empty id");
}

TEST_CASE("story: any JSON value, as Python's str() of it") {
  const std::pair<std::string, std::string> stories[] = {{"\"s-1\"", "s-1"},
                                                         {"42", "42"},
                                                         {"4.0", "4.0"},
                                                         {"1e16", "1e+16"},
                                                         {"0.00001", "1e-05"},
                                                         {"123.456", "123.456"},
                                                         {"true", "True"},
                                                         {"[1, \"a\", null]", "[1, 'a', None]"},
                                                         {"{\"k\": false}", "{'k': False}"},
                                                         {"[\"it's\"]", "[\"it's\"]"},
                                                         {"[\"\\u00e4\\t\"]", "['\xC3\xA4\\t']"},
                                                         {"null", ""}};
  for (const auto& [value, label] : stories) {
    INFO(value);
    CHECK(single("{\"text\":\"x\",\"story\":" + value + "}").story == label);
  }
}

TEST_CASE("blank lines are rejected as 'blank line' and counted") {
  Corpus corpus = parse("\n  \n{\"text\":\"x\"}\r\n\t\r\n");
  CHECK(corpus.articles.size() == 1);
  REQUIRE(corpus.rejected.size() == 3);
  for (const auto& r : corpus.rejected) CHECK(r.reason == "blank line");
  CHECK(corpus.rejected[2].line == 4);
}

TEST_CASE("CRLF line endings and a byte order mark are accepted") {
  Corpus corpus =
      parse("\xEF\xBB\xBF{\"id\":\"b1\",\"text\":\"one\"}\r\n{\"id\":\"b2\",\"text\":\"two\"}\r\n");
  REQUIRE(corpus.articles.size() == 2);
  CHECK(corpus.articles[0].id == "b1");
  CHECK(corpus.articles[1].text == "two");
  CHECK(corpus.rejected.empty());
}

TEST_CASE("a very large article is cut to max_article_bytes at a UTF-8 boundary") {
  TempDir dir("io_large");
  const std::string path = dir.file("large.jsonl");
  constexpr std::size_t kTextBytes = std::size_t{50} << 20;
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"id\":\"big\",\"title\":\"Ein sehr langer Text\",\"text\":\"";
    std::string chunk;
    for (int i = 0; i < (1 << 19); ++i) chunk += "\xC3\xA4";  // 1 MB of "ä"
    for (std::size_t written = 0; written < kTextBytes; written += chunk.size()) out << chunk;
    out << "\"}\n{\"id\":\"small\",\"text\":\"Nach dem langen Artikel geht es weiter.\"}\n";
  }
  ReadOptions options;
  options.max_article_bytes = (std::size_t{1} << 20) + 1;  // odd: falls inside an "ä"
  ArticleReader reader(path, options);
  std::vector<Article> articles;
  while (reader.next(articles, 8)) {
  }
  REQUIRE(articles.size() == 2);
  CHECK(articles[0].text.size() == std::size_t{1} << 20);
  CHECK(articles[0].text.ends_with("\xC3\xA4"));
  CHECK(articles[1].id == "small");
  REQUIRE(reader.warnings().size() == 1);
  CHECK(reader.warnings()[0].message ==
        "text truncated from 52428800 to 1048576 bytes "
        "(max_article_bytes)");
  CHECK(reader.bytes_read() == fs::file_size(path));
}

TEST_CASE("a line longer than max_record_bytes is skipped without being held") {
  TempDir dir("io_long_line");
  const std::string path = dir.file("long.jsonl");
  const std::string filler(std::size_t{5} << 20, 'x');
  write_file(path, "{\"text\":\"before\"}\n{\"text\":\"" + filler + "\"}\n{\"text\":\"after\"}");
  ReadOptions options;
  options.max_record_bytes = std::size_t{1} << 20;
  ArticleReader reader(path, options);
  std::vector<Article> articles;
  std::vector<ArticleOrigin> origins;
  while (reader.next(articles, 8, &origins)) {
  }
  REQUIRE(articles.size() == 2);
  CHECK(origins[1].line == 3);
  CHECK(articles[1].text == "after");
  REQUIRE(reader.rejected().size() == 1);
  CHECK(reader.rejected()[0].line == 2);
  CHECK(reader.rejected()[0].reason == "line of " + std::to_string(filler.size() + 11) +
                                           " bytes exceeds max_record_bytes (1048576)");
}

TEST_CASE("a file of 200k tiny lines is read in batches, every line accounted") {
  TempDir dir("io_many");
  const std::string path = dir.file("many.jsonl");
  constexpr std::uint64_t kLines = 200'000;
  std::uint64_t expected_accepted = 0;
  {
    std::ofstream out(path, std::ios::binary);
    for (std::uint64_t i = 1; i <= kLines; ++i) {
      if (i % 1000 == 0) {
        out << "\n";
      } else if (i % 777 == 0) {
        out << "{\"id\":\"n1\",\"text\":\"Wiederholte Kennung.\"}\n";
      } else {
        ++expected_accepted;
        out << "{\"id\":\"n" << i << "\",\"lang\":\"de\",\"text\":\"Kurze Meldung Nummer " << i
            << " aus dem Ticker der Redaktion.\"}\n";
      }
    }
  }
  // the file spans more than one read block, so lines are carried across a block boundary
  REQUIRE(fs::file_size(path) > crossnews::detail::LineReader::kDefaultBlockBytes);

  ArticleReader reader(path);
  std::vector<Article> batch;
  std::vector<ArticleOrigin> origins;
  std::uint64_t accepted = 0;
  bool lines_match = true;
  while (reader.next(batch, 4096, &origins)) {
    CHECK(batch.size() <= 4096);
    for (std::size_t k = 0; k < batch.size(); ++k) {
      lines_match = lines_match && batch[k].id == "n" + std::to_string(origins[k].line);
    }
    accepted += batch.size();
    batch.clear();
    origins.clear();
  }
  CHECK(lines_match);
  CHECK(accepted == expected_accepted);
  CHECK(accepted + reader.rejected().size() == kLines);
  CHECK(reader.lines_read() == kLines);
  CHECK(reader.bytes_read() == fs::file_size(path));
  CHECK(reader.rejected().back().line == kLines);
  CHECK(reader.rejected().back().reason == "blank line");
}

TEST_CASE("gzip input is read like plain JSONL, a damaged stream ends in a rejected record") {
  TempDir dir("io_gzip");
  const std::string plain = read_file(kData + "valid.jsonl");
  const std::string path = dir.file("valid.jsonl.gz");
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  gzwrite(gz, plain.data(), static_cast<unsigned>(plain.size()));
  gzclose(gz);
  Corpus corpus = crossnews::read_corpus(std::vector<std::string>{path});
  REQUIRE(corpus.articles.size() == 3);
  CHECK(corpus.articles[1].id == "17");
  CHECK(corpus.rejected.empty());

  // a gzip file cut in half: the lines before the damage are read, nothing throws
  std::string many;
  for (int i = 1; i <= 3000; ++i) {
    many += "{\"id\":\"g" + std::to_string(i) + "\",\"text\":\"Meldung " +
            std::to_string(i * 7919 % 10007) + "\"}\n";
  }
  gz = gzopen(path.c_str(), "wb");
  gzwrite(gz, many.data(), static_cast<unsigned>(many.size()));
  gzclose(gz);
  fs::resize_file(path, fs::file_size(path) / 2);
  ArticleReader reader(path);
  std::vector<Article> articles;
  while (reader.next(articles, 1000)) {
  }
  CHECK(articles.size() > 100);
  CHECK(articles.size() < 3000);
  REQUIRE(!reader.rejected().empty());
  CHECK(reader.rejected().back().reason.starts_with("incomplete line: read error: "));
  CHECK(articles.size() + reader.rejected().size() == reader.lines_read());
}

TEST_CASE("a directory of .txt files: sorted, title + text, binary and empty files rejected") {
  const std::string dir = kData + "txt";
  ArticleReader reader(dir);
  std::vector<Article> articles;
  std::vector<ArticleOrigin> origins;
  while (reader.next(articles, 10, &origins)) {
  }
  // byte order of names: "0_paris.TXT" < "a_berlin.txt" < ...; readme.md and nested/ ignored
  REQUIRE(articles.size() == 3);
  CHECK(articles[0].id == "0_paris");
  CHECK(articles[1].id == "a_berlin");
  CHECK(articles[1].title == "Berlin baut mehr Radwege");
  CHECK(articles[1].text ==
        "Der Senat hat beschlossen, bis 2025 weitere hundert Kilometer Radwege anzulegen.\n"
        "Die Bezirke sollen die Planung übernehmen.\n");
  CHECK(articles[1].lang.empty());
  CHECK(articles[2].title == "Roma, nuove linee del tram");  // CRLF: no '\r' in the title
  CHECK(origins[2].source == (fs::path(dir) / "b_roma.txt").string());
  CHECK(origins[2].line == 0);
  REQUIRE(reader.rejected().size() == 2);
  CHECK(reader.rejected()[0].source == (fs::path(dir) / "c_image.txt").string());
  CHECK(reader.rejected()[0].line == 0);
  CHECK(reader.rejected()[0].reason == "binary file");
  CHECK(reader.rejected()[1].reason == "empty article (no title and no text)");
  CHECK(reader.lines_read() == 5);
}

TEST_CASE("a .txt file with a few invalid bytes is repaired, mostly invalid bytes are binary") {
  TempDir dir("io_txt_utf8");
  write_file(dir.file("latin1.txt"),
             "Gr\xFC\xDF"
             "e aus M\xFCnchen\nDer F\xF6hn kommt heute aus den Bergen herunter.\n");
  std::string noise;
  for (int i = 0; i < 200; ++i) noise += static_cast<char>(0x80 + i % 100);
  write_file(dir.file("noise.txt"), noise);
  const Corpus corpus = crossnews::read_corpus(std::vector<std::string>{dir.path.string()});
  REQUIRE(corpus.articles.size() == 1);
  CHECK(corpus.articles[0].title ==
        "Gr\xEF\xBF\xBD\xEF\xBF\xBD"
        "e aus M\xEF\xBF\xBDnchen");
  REQUIRE(corpus.warnings.size() == 1);
  CHECK(contains(corpus.warnings[0].message, "4 invalid UTF-8"));
  REQUIRE(corpus.rejected.size() == 1);
  CHECK(corpus.rejected[0].reason == "binary file");

  ReadOptions strict;
  strict.repair_utf8 = false;
  const Corpus strict_corpus =
      crossnews::read_corpus(std::vector<std::string>{dir.path.string()}, strict);
  CHECK(strict_corpus.articles.empty());
  CHECK(strict_corpus.rejected[0].reason == "invalid UTF-8 at byte 3");
}

TEST_CASE("a missing input file or directory throws IoError naming it") {
  const std::string missing_file = kData + "no_such_file.jsonl";
  const std::string missing_dir = kData + "no_such_dir/";
  for (const std::string& path : {missing_file, missing_dir}) {
    try {
      ArticleReader reader(path);
      FAIL("expected IoError for " << path);
    } catch (const crossnews::IoError& e) {
      CHECK(contains(e.what(), path));
    }
  }
  // all inputs are checked before any is read
  CHECK_THROWS_AS(
      crossnews::read_corpus(std::vector<std::string>{kData + "valid.jsonl", missing_file}),
      crossnews::IoError);
}

TEST_CASE("accounting on a mixed file: accepted + rejected == lines") {
  const std::string path = kData + "mixed.jsonl";
  ArticleReader reader(path);
  std::vector<Article> articles;
  std::vector<ArticleOrigin> origins;
  while (reader.next(articles, 3, &origins)) {
  }
  std::vector<std::string> ids;
  for (const Article& a : articles) ids.push_back(a.id);
  CHECK(ids == std::vector<std::string>{"a1", "a6", path + ":11", "a7"});
  const std::vector<std::pair<std::uint64_t, std::string>> expected = {
      {2, "blank line"},
      {3, "malformed JSON: "},
      {4, "not a JSON object (found array)"},
      {5, "missing field 'text'"},
      {6, "field 'text' is not a string (found number)"},
      {7, "duplicate id 'a1' (first at line 1)"},
      {8, "empty article (no title and no text)"},
      {9, "id contains tab or newline"}};
  REQUIRE(reader.rejected().size() == expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CHECK(reader.rejected()[k].line == expected[k].first);
    CHECK(reader.rejected()[k].reason.starts_with(expected[k].second));
  }
  // a6 keeps its article but loses its lang "xx" and time "yesterday"
  REQUIRE(reader.warnings().size() == 2);
  CHECK(reader.warnings()[0].line == 10);
  CHECK(articles[1].lang.empty());
  CHECK(articles.size() + reader.rejected().size() == reader.lines_read());
  CHECK(reader.lines_read() == count_lines(read_file(path)));
}

TEST_CASE("next(): bounded batches, false once exhausted, max_articles 0 refused") {
  ArticleReader reader(kData + "mixed.jsonl");
  std::vector<Article> batch;
  CHECK(reader.next(batch, 3));
  CHECK(batch.size() == 3);
  CHECK(reader.next(batch, 3));  // appends
  CHECK(batch.size() == 4);
  CHECK_FALSE(reader.next(batch, 3));
  CHECK_FALSE(reader.next(batch, 3));
  CHECK(batch.size() == 4);
  CHECK_THROWS_AS(reader.next(batch, 0), crossnews::ConfigError);
}

TEST_CASE("LineReader: lines carried over tiny blocks, long lines skipped, final line counted") {
  using crossnews::detail::Line;
  const std::string content = "ab\n\nlonger line here\n0123456789\nend";
  crossnews::detail::LineReader lines(crossnews::detail::memory_source(content), 3, 10);
  std::vector<std::pair<Line::Status, std::string>> got;
  Line line;
  std::uint64_t number = 0;
  while (lines.next(line)) {
    CHECK(line.number == ++number);
    got.emplace_back(line.status, std::string(line.text));
    if (line.status == Line::Status::kTooLong) CHECK(line.length == 16);
  }
  const std::vector<std::pair<Line::Status, std::string>> want = {{Line::Status::kOk, "ab"},
                                                                  {Line::Status::kOk, ""},
                                                                  {Line::Status::kTooLong, ""},
                                                                  {Line::Status::kOk, "0123456789"},
                                                                  {Line::Status::kOk, "end"}};
  CHECK(got == want);
  CHECK(lines.bytes_read() == content.size());
}

TEST_CASE("random bytes and mutated JSONL: no crash, every line accounted") {
  const std::string seeds[] = {read_file(kData + "mixed.jsonl"), read_file(kData + "valid.jsonl")};
  const std::string alphabet =
      "{}[]\":,\\ \n\r\t0123456789.eE-+tfnulxabc\0\xC3\xA4\xE2\x82\xAC\xFF\xF0"s;
  std::mt19937_64 rng(4242);
  for (int round = 0; round < 3000; ++round) {
    std::string content;
    if (round % 2 == 0) {
      const std::size_t size = rng() % 300;
      for (std::size_t k = 0; k < size; ++k) {
        content += rng() % 4 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
      }
    } else {
      content = seeds[rng() % 2];
      const int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits && !content.empty(); ++e) {
        const std::size_t at = rng() % content.size();
        switch (rng() % 3) {
          case 0:
            content[at] = static_cast<char>(rng());
            break;
          case 1:
            content.erase(at, 1 + rng() % 20);
            break;
          default:
            content.insert(at, 1, alphabet[rng() % alphabet.size()]);
            break;
        }
      }
    }
    ReadOptions options;
    if (round % 3 == 0) {
      options.max_record_bytes = 40;
      options.max_article_bytes = 5;
      options.repair_utf8 = false;
    }
    Corpus corpus;
    REQUIRE_NOTHROW(crossnews::parse_jsonl("fuzz", content, corpus, options));
    INFO("round " << round);
    REQUIRE(corpus.articles.size() + corpus.rejected.size() == count_lines(content));
    std::set<std::string> ids;
    for (const Article& a : corpus.articles) {
      CHECK(!a.id.empty());
      CHECK(a.id.find_first_of("\t\n\r") == std::string::npos);
      CHECK(ids.insert(a.id).second);
      CHECK(a.text.size() <= options.max_article_bytes);
      CHECK(crossnews::detail::scan_utf8(a.text).invalid_sequences == 0);
      CHECK(crossnews::detail::scan_utf8(a.title).invalid_sequences == 0);
    }
  }
}
