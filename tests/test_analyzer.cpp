#include <crossnews/analyzer.hpp>

#include <doctest/doctest.h>

TEST_CASE("smoke") {
  crossnews::Analyzer analyzer;
  auto worker = analyzer.worker();
  crossnews::AnalyzedText out;
  worker.analyze({.title = "x", .text = "y"}, out);
}
