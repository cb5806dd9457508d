// crossnews model build, and --model on cluster and explain.

#include "cli_harness.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cli_harness;

TEST_CASE("model build writes a model that cluster --model uses as the built-in pieces would") {
  const fs::path dir = temp_dir();
  const fs::path model = dir / "news.model";
  const Run built = run("model build -q -o " + quote(model));
  REQUIRE(built.code == 0);
  REQUIRE(fs::exists(model));
  const Run with_model = run("cluster -q --model " + quote(model) + " " + quote(example_corpus()));
  const Run without = run("cluster -q " + quote(example_corpus()));
  CHECK(with_model.code == 0);
  CHECK(with_model.out == without.out);
  CHECK(run("explain --model " + quote(model) + " --input " + quote(example_corpus()) +
            " ex-001 ex-002").code == 0);
}

TEST_CASE("a corrupt, truncated or foreign --model ends with exit 1 naming the file") {
  const fs::path dir = temp_dir();
  const fs::path model = dir / "news.model";
  REQUIRE(run("model build -q --no-builtin-background -o " + quote(model)).code == 0);
  std::string bytes = slurp(model);
  std::string corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0x01;
  for (const auto& [name, content] :
       {std::pair{"corrupt.model", corrupt}, std::pair{"cut.model", bytes.substr(0, bytes.size() / 2)},
        std::pair{"foreign.model", std::string("concept\tde\tit\n")}}) {
    const fs::path bad = write_file(name, content);
    const Run r = run("cluster -q --model " + quote(bad) + " " + quote(example_corpus()));
    CHECK(r.code == 1);
    CHECK(contains(r.err, bad.string()));
  }
  const Run both = run("cluster -q --model " + quote(model) + " --no-builtin-lexicon " +
                       quote(example_corpus()));
  CHECK(both.code == 2);
}

TEST_CASE("model build output is atomic: a failed build leaves the old file") {
  const fs::path dir = temp_dir();
  const fs::path model = write_file("keep.model", "old");
  const Run r = run("model build -q --background " + quote(dir / "missing.jsonl") + " -o " + quote(model));
  CHECK(r.code == 2);
  CHECK(slurp(model) == "old");
}

TEST_CASE("model build names each background line it rejects and counts it") {
  const fs::path input = write_file("background_mixed.jsonl",
                                    "{\"id\": \"a\", \"text\": \"Die Regierung beschloss heute "
                                    "neue Regeln.\", \"lang\": \"de\"}\n"
                                    "{\"id\": \"b\", \"text\": \n"
                                    "\"\\xff not json\"\n");
  const fs::path model = temp_dir() / "mixed.model";
  const Run r = run("model build --no-builtin-background --background " + quote(input) + " -o " +
                    quote(model));
  CHECK(r.code == 0);
  CHECK(contains(r.err, "background_mixed.jsonl:2"));
  CHECK(contains(r.err, "background_mixed.jsonl:3"));
  CHECK(contains(r.err, "\"background_documents\":1,"));
  CHECK(contains(r.err, "\"rejected\":2}"));
}
