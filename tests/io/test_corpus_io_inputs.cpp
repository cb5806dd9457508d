// The reader on awkward inputs: many bad lines, damaged or concatenated gzip, FIFOs, unreadable
// standard input, option limits, UTF-16/32 text, old Mac line ends, odd directory entries.
#include <crossnews/corpus_io.hpp>
#include <crossnews/error.hpp>

#include "io/detail/fields.hpp"
#include "io/detail/utf8.hpp"
#include "io_test_util.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using crossnews::Article;
using crossnews::ArticleReader;
using crossnews::Corpus;
using crossnews::ReadOptions;
using crossnews::Rejected;
using namespace io_test;

namespace {

std::string gzip(std::string_view plain) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, plain.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string numbered_lines(const std::string& prefix, int count) {
  std::string lines;
  for (int i = 1; i <= count; ++i) {
    lines += "{\"id\":\"" + prefix + std::to_string(i) + "\",\"text\":\"Meldung " +
             std::to_string(i * 7919 % 10007) + "\"}\n";
  }
  return lines;
}

/// Everything a reader gives, read in batches of 100, checking the reject bound on every call.
struct Drained {
  std::vector<Article> articles;
  std::vector<Rejected> rejected;
  std::uint64_t lines_read = 0;
  std::size_t most_rejects_per_call = 0;
};

Drained drain(ArticleReader& reader) {
  Drained out;
  while (reader.next(out.articles, 100)) {
    out.most_rejects_per_call = std::max(out.most_rejects_per_call, reader.rejected().size());
    for (Rejected& r : reader.rejected()) out.rejected.push_back(std::move(r));
    reader.rejected().clear();
  }
  for (Rejected& r : reader.rejected()) out.rejected.push_back(std::move(r));
  out.lines_read = reader.lines_read();
  return out;
}

Drained drain(const std::string& path, ReadOptions options = {}) {
  ArticleReader reader(path, options);
  return drain(reader);
}

/// Runs body with standard input replaced by fd (closed when fd < 0), then restores it.
template <typename Body>
void with_stdin(int fd, Body body) {
  const int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  if (fd >= 0) {
    ::dup2(fd, STDIN_FILENO);
  } else {
    ::close(STDIN_FILENO);
  }
  body();
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
}

}  // namespace

TEST_CASE("bad lines are handed over in bounded groups, not held until the end") {
  TempDir dir("io_many_rejects");
  constexpr std::size_t kBlank = 3 * ArticleReader::kMaxRejectsPerCall + 5;
  const std::string plain = std::string(kBlank, '\n') + "{\"id\":\"last\",\"text\":\"Ende\"}\n";
  write_file(dir.file("blank.jsonl"), plain);
  ArticleReader reader(dir.file("blank.jsonl"));
  std::vector<Article> batch;
  // the first call returns once the bound is reached, with rejects but no article yet
  CHECK(reader.next(batch, 10));
  CHECK(batch.empty());
  CHECK(reader.rejected().size() == ArticleReader::kMaxRejectsPerCall);
  reader.rejected().clear();
  const Drained rest = drain(reader);
  CHECK(rest.most_rejects_per_call <= ArticleReader::kMaxRejectsPerCall);
  REQUIRE(rest.articles.size() == 1);
  CHECK(rest.articles[0].id == "last");
  CHECK(ArticleReader::kMaxRejectsPerCall + rest.rejected.size() == kBlank);
  CHECK(reader.lines_read() == kBlank + 1);

  // a small .gz that expands to a million blank lines streams its rejects the same way
  write_file(dir.file("blank.jsonl.gz"), gzip(std::string(1'000'000, '\n')));
  const Drained gz = drain(dir.file("blank.jsonl.gz"));
  CHECK(gz.most_rejects_per_call <= ArticleReader::kMaxRejectsPerCall);
  CHECK(gz.rejected.size() == 1'000'000);
  CHECK(gz.rejected.back().reason == "blank line");
}

TEST_CASE("gzip: concatenated members are all read, plain bytes after them are lines") {
  TempDir dir("io_gzip_members");
  const std::string first = numbered_lines("a", 2000);
  const std::string second = numbered_lines("b", 1500);
  write_file(dir.file("cat.jsonl.gz"), gzip(first) + gzip(second));
  const Drained both = drain(dir.file("cat.jsonl.gz"));
  CHECK(both.articles.size() == 3500);
  CHECK(both.rejected.empty());
  CHECK(both.articles.back().id == "b1500");

  const std::string tail =
      "{\"id\":\"p1\",\"text\":\"plain\"}\n{\"id\":\"p2\",\"text\":\"plain\"}\nnot json";
  write_file(dir.file("tail.jsonl.gz"), gzip(first) + tail);
  const Drained mixed = drain(dir.file("tail.jsonl.gz"));
  REQUIRE(mixed.articles.size() == 2002);
  CHECK(mixed.articles[2001].id == "p2");
  REQUIRE(mixed.rejected.size() == 1);
  CHECK(mixed.rejected[0].line == 2003);
  CHECK(mixed.rejected[0].reason.starts_with("malformed JSON"));
}

TEST_CASE("gzip: a bad CRC keeps every line before it and says it cut none") {
  TempDir dir("io_gzip_crc");
  std::string gz = gzip(numbered_lines("c", 30'000));
  gz[gz.size() - 8] = static_cast<char>(gz[gz.size() - 8] ^ 0x5A);  // first byte of the CRC-32
  write_file(dir.file("crc.jsonl.gz"), gz);
  const Drained got = drain(dir.file("crc.jsonl.gz"));
  CHECK(got.articles.size() == 30'000);
  REQUIRE(got.rejected.size() == 1);
  CHECK(got.rejected[0].line == 30'001);
  CHECK(
      got.rejected[0].reason.starts_with("read error after the last complete line: gzip member 1"));
  CHECK(contains(got.rejected[0].reason, "integrity check"));
  CHECK(got.lines_read == 30'001);
}

TEST_CASE("gzip: a stream cut short or corrupt ends in a reject naming the damage") {
  TempDir dir("io_gzip_damage");
  const std::string gz = gzip(numbered_lines("d", 3000));
  write_file(dir.file("cut.jsonl.gz"), gz.substr(0, gz.size() / 2));
  const Drained cut = drain(dir.file("cut.jsonl.gz"));
  CHECK(cut.articles.size() > 100);
  REQUIRE(!cut.rejected.empty());
  CHECK(contains(cut.rejected.back().reason, "gzip stream cut short in member 1"));
  CHECK(cut.articles.size() + cut.rejected.size() == cut.lines_read);

  // a valid gzip header followed by a reserved block type: one reject, not an empty input
  write_file(dir.file("garbage.jsonl.gz"),
             std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03\xff garbage", 18));
  const Drained garbage = drain(dir.file("garbage.jsonl.gz"));
  CHECK(garbage.articles.empty());
  REQUIRE(garbage.rejected.size() == 1);
  CHECK(garbage.rejected[0].reason ==
        "read error after the last complete line: gzip member 1 at compressed byte 11 is damaged "
        "(invalid block type); nothing after it could be read");
}

TEST_CASE("a named FIFO is opened once and read to the end") {
  TempDir dir("io_fifo");
  const std::string fifo = dir.file("feed.jsonl");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string lines = numbered_lines("f", 500);
  REQUIRE(lines.size() < 60'000);  // fits the pipe's buffer, so no second thread is needed
  // a producer that writes everything and exits once the reader is set up (as in a shell
  // pipeline); O_RDWR lets it open and write before any reader exists
  const int producer = ::open(fifo.c_str(), O_RDWR);
  REQUIRE(producer >= 0);
  REQUIRE(::write(producer, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size()));
  ArticleReader reader(fifo);
  ::close(producer);
  // the data lives only as long as someone holds the FIFO: reopening it would wait forever
  const Drained got = drain(reader);
  CHECK(got.articles.size() == 500);
  CHECK(got.rejected.empty());
}

TEST_CASE("standard input that is closed or a directory is an IoError at construction") {
  with_stdin(-1, [] { CHECK_THROWS_AS(ArticleReader("-"), crossnews::IoError); });
  const int dir_fd = ::open(CROSSNEWS_TEST_DATA_DIR, O_RDONLY | O_DIRECTORY);
  REQUIRE(dir_fd >= 0);
  with_stdin(dir_fd, [] {
    try {
      ArticleReader reader("-");
      FAIL("expected IoError");
    } catch (const crossnews::IoError& e) {
      CHECK(contains(e.what(), "standard input"));
      CHECK(contains(e.what(), "directory"));
    }
  });
  ::close(dir_fd);
}

TEST_CASE("ReadOptions: 0 is a ConfigError, SIZE_MAX means no limit") {
  TempDir dir("io_options");
  write_file(dir.file("one.txt"), "Titel\nText des Artikels.\n");
  write_file(dir.file("one.jsonl"), "{\"text\":\"x\"}\n");
  ReadOptions unlimited;
  unlimited.max_record_bytes = SIZE_MAX;
  unlimited.max_article_bytes = SIZE_MAX;
  for (const std::string& path : {dir.path.string(), dir.file("one.jsonl")}) {
    const Drained got = drain(path, unlimited);
    CHECK(got.articles.size() == 1);
    CHECK(got.rejected.empty());
  }
  ReadOptions zero_record;
  zero_record.max_record_bytes = 0;
  ReadOptions zero_article;
  zero_article.max_article_bytes = 0;
  for (const ReadOptions& bad : {zero_record, zero_article}) {
    CHECK_THROWS_AS(ArticleReader(dir.file("one.jsonl"), bad), crossnews::ConfigError);
    Corpus corpus;
    CHECK_THROWS_AS(crossnews::parse_jsonl("m", "{\"text\":\"x\"}", corpus, bad),
                    crossnews::ConfigError);
  }
}

TEST_CASE("UTF-16 and UTF-32 inputs are one reject naming the encoding; the next input is read") {
  TempDir dir("io_wide");
  const std::string line =
      "{\"id\":\"w\",\"text\":\"Gr\xC3\xBC\xC3\x9F"
      "e\"}\n";
  const auto widen = [&](int unit, bool big_endian) {
    std::string out;
    for (unsigned char c : line) {  // the text is Latin-1 range, so one code unit per byte
      std::string code(static_cast<std::size_t>(unit), '\0');
      code[big_endian ? unit - 1 : 0] = static_cast<char>(c);
      out += code;
    }
    return out;
  };
  const std::string plain = dir.file("plain.jsonl");
  write_file(plain, "{\"id\":\"after\",\"text\":\"danach\"}\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"UTF-16LE", "\xFF\xFE" + widen(2, false)},
      {"UTF-16BE", "\xFE\xFF" + widen(2, true)},
      {"UTF-16LE", widen(2, false)},
      {"UTF-16BE", widen(2, true)},
      {"UTF-32LE", std::string("\xFF\xFE\x00\x00", 4) + widen(4, false)},
      {"UTF-32BE", widen(4, true)}};
  for (const auto& [encoding, bytes] : cases) {
    INFO(encoding);
    const std::string path = dir.file("wide.jsonl");
    write_file(path, bytes + bytes);
    ArticleReader reader(std::vector<std::string>{path, plain});
    const Drained got = drain(reader);
    REQUIRE(got.rejected.size() == 1);
    CHECK(got.rejected[0].line == 0);
    CHECK(got.rejected[0].reason ==
          encoding + " text; convert to UTF-8 (e.g. iconv -f " + encoding + " -t UTF-8)");
    REQUIRE(got.articles.size() == 1);
    CHECK(got.articles[0].id == "after");
    CHECK(got.lines_read == 2);
  }
  write_file(dir.file("letter.txt"), "\xFF\xFE" + widen(2, false));
  const Drained txt = drain(dir.path.string());
  REQUIRE(txt.rejected.size() == 1);
  CHECK(txt.rejected[0].reason.starts_with("UTF-16LE text; convert to UTF-8"));
}

TEST_CASE("old Mac files: lone CR line ends split lines, in JSONL and in .txt titles") {
  TempDir dir("io_cr");
  write_file(dir.file("mac.jsonl"),
             "{\"id\":\"m1\",\"text\":\"eins\"}\r{\"id\":\"m2\",\"text\":\"zwei\"}\r\r"
             "{\"id\":\"m3\",\"text\":\"drei\"}");
  const Drained jsonl = drain(dir.file("mac.jsonl"));
  REQUIRE(jsonl.articles.size() == 3);
  CHECK(jsonl.articles[2].id == "m3");
  REQUIRE(jsonl.rejected.size() == 1);
  CHECK(jsonl.rejected[0].line == 3);
  CHECK(jsonl.rejected[0].reason == "blank line");

  TempDir txt_dir("io_cr_txt");
  write_file(txt_dir.file("mac.txt"), "Der Titel\rErster Satz.\rZweiter Satz.\r");
  const Drained txt = drain(txt_dir.path.string());
  REQUIRE(txt.articles.size() == 1);
  CHECK(txt.articles[0].title == "Der Titel");
  CHECK(txt.articles[0].text == "Erster Satz.\rZweiter Satz.\r");
}

TEST_CASE("directory entries: odd names get valid UTF-8 ids, unreadable entries are rejected") {
  TempDir dir("io_entries");
  write_file(dir.file("\xFC"
                      "ber.txt"),
             "Titel\nText.\n");
  fs::create_symlink(dir.file("missing"), dir.file("dangling.txt"));
  fs::create_symlink(dir.file("loop2.txt"), dir.file("loop1.txt"));
  fs::create_symlink(dir.file("loop1.txt"), dir.file("loop2.txt"));
  fs::create_directory(dir.file("folder.txt"));
  REQUIRE(::mkfifo(dir.file("pipe.txt").c_str(), 0600) == 0);
  ArticleReader reader(dir.path.string());
  const Drained got = drain(reader);  // returns: the FIFO is not waited on
  REQUIRE(got.articles.size() == 1);
  CHECK(got.articles[0].id ==
        "\xEF\xBF\xBD"
        "ber");
  CHECK(crossnews::detail::scan_utf8(reader.warnings().at(0).source).invalid_sequences == 0);
  CHECK(contains(reader.warnings().at(0).message, "file name is not valid UTF-8"));
  std::vector<std::string> reasons;
  for (const Rejected& r : got.rejected)
    reasons.push_back(fs::path(r.source).filename().string() + ": " + r.reason);
  CHECK(reasons ==
        std::vector<std::string>{"dangling.txt: cannot read file: dangling symbolic link",
                                 "folder.txt: not a regular file (directory)",
                                 "loop1.txt: cannot read file: symbolic link loop",
                                 "loop2.txt: cannot read file: symbolic link loop",
                                 "pipe.txt: not a regular file (FIFO)"});
  CHECK(got.lines_read == 6);
}

TEST_CASE("time: years before 1000 are read exactly") {
  using namespace std::chrono;
  const auto seconds_of = [](int y, unsigned m, unsigned d, int hms) {
    return std::int64_t{sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count()} * 86400 +
           hms;
  };
  CHECK(crossnews::detail::parse_iso8601("0999-12-31T23:59:59Z") == seconds_of(999, 12, 31, 86399));
  CHECK(crossnews::detail::parse_iso8601("0001-01-01") == -62135596800);
  CHECK(crossnews::detail::parse_iso8601("0044-03-15T12:00:00+01:00") ==
        seconds_of(44, 3, 15, 11 * 3600));
  Corpus corpus;
  crossnews::parse_jsonl("m",
                         "{\"text\":\"a\",\"time\":\"0500-06-01\"}\n"
                         "{\"text\":\"b\",\"time\":" +
                             std::to_string(seconds_of(500, 6, 1, 0)) + "}\n",
                         corpus);
  REQUIRE(corpus.articles.size() == 2);
  CHECK(corpus.articles[0].time == seconds_of(500, 6, 1, 0));
  CHECK(corpus.articles[1].time == corpus.articles[0].time);
  CHECK(corpus.warnings.empty());
}

TEST_CASE("unclosed arrays followed by more lines are malformed JSON, the next line still read") {
  // simdjson's On-Demand parser reads past a malformed line: it must find zeros, not the next line
  Corpus corpus;
  crossnews::parse_jsonl("m", "[[[[[[\n[[ [[[[[[[[\n{\"id\":\"ok\",\"text\":\"x\"}\n", corpus);
  REQUIRE(corpus.rejected.size() == 2);
  for (const Rejected& r : corpus.rejected) CHECK(r.reason.starts_with("malformed JSON: "));
  REQUIRE(corpus.articles.size() == 1);
  CHECK(corpus.articles[0].id == "ok");
}
