// A damaged document-frequency snapshot.

#include <crossnews/crossnews.hpp>


#include <doctest/doctest.h>

#include "../fault_support.hpp"

#include <sstream>
#include <string>

using namespace crossnews;
using namespace crossnews::test;

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
