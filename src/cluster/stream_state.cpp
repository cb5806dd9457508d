#include "cluster/detail/stream_state.hpp"

#include <crossnews/error.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

namespace {

struct NamedValue {
  std::string name;
  double value = 0.0;

  template <class Io, class Self>
  static void fields(Io& io, Self& v) {
    io(v.name, v.value);
  }
};

// Every option that changes which story an article joins. Left out: the mode (a stream state is
// a stream's), thread counts and AnalyzerOptions::latin_fast_path (same results for any value).
std::vector<NamedValue> option_values(const AnalyzerOptions& a, const ClusterOptions& o) {
  const auto& f = o.features;
  return {
      {"analyzer.stem", double(a.stem)},
      {"analyzer.remove_stopwords", double(a.remove_stopwords)},
      {"analyzer.decompound", double(a.decompound)},
      {"analyzer.entities", double(a.entities)},
      {"analyzer.multiword_entities", double(a.multiword_entities)},
      {"analyzer.min_compound_part", double(a.min_compound_part)},
      {"analyzer.max_terms", double(a.max_terms)},
      {"analyzer.min_detect_bytes", double(a.min_detect_bytes)},
      {"strategy", double(o.strategy)},
      {"threshold", o.threshold},
      {"crosslingual_scale", o.crosslingual_scale},
      {"entity_weight", o.entity_weight},
      {"time_weight", o.time_weight},
      {"time_sigma_days", o.time_sigma_days},
      {"window_days", o.window_days},
      {"neighbours", double(o.neighbours)},
      {"query_terms", double(o.query_terms)},
      {"postings_per_term", double(o.postings_per_term)},
      {"candidate_min_score", o.candidate_min_score},
      {"merge_threshold", o.merge_threshold},
      {"late_articles", double(o.late_articles)},
      {"features.weighting.sublinear_tf", double(f.weighting.sublinear_tf)},
      {"features.weighting.title_boost", f.weighting.title_boost},
      {"features.weighting.entity_boost", f.weighting.entity_boost},
      {"features.weighting.top_k", double(f.weighting.top_k)},
      {"features.df.half_life_days", f.df.half_life_days},
      {"features.df.window_days", f.df.window_days},
      {"features.df.background_documents", f.df.background_documents},
      {"features.keep_articles", double(f.keep_articles)},
  };
}

std::string shown(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", v);
  return text;
}

// The maps of a StorySummary as lists, which the state's writer and reader know.
struct PackedSummary {
  std::vector<std::pair<std::string, std::uint64_t>> languages;
  std::optional<std::int64_t> first_time, last_time;
  std::vector<std::pair<std::string, std::vector<std::string>>> keywords;
  std::vector<std::pair<std::string, std::string>> titles;

  template <class Io, class Self>
  static void fields(Io& io, Self& p) {
    io(p.languages, p.first_time, p.last_time, p.keywords, p.titles);
  }
};

}  // namespace

std::string pack_summary(const StorySummary& summary) {
  const PackedSummary packed{{summary.languages.begin(), summary.languages.end()},
                             summary.first_time,
                             summary.last_time,
                             {summary.keywords.begin(), summary.keywords.end()},
                             {summary.titles.begin(), summary.titles.end()}};
  std::string out;
  StateWriter writer(out);
  writer(packed);
  return out;
}

StorySummary unpack_summary(std::string_view bytes) {
  PackedSummary packed;
  StateReader reader(bytes);
  reader(packed);
  if (reader.remaining() != 0) reader.fail("story summary", "has trailing bytes");
  StorySummary summary;
  summary.languages.insert(packed.languages.begin(), packed.languages.end());
  summary.first_time = packed.first_time;
  summary.last_time = packed.last_time;
  for (auto& [lang, words] : packed.keywords) summary.keywords.emplace(lang, std::move(words));
  for (auto& [lang, title] : packed.titles) summary.titles.emplace(lang, std::move(title));
  return summary;
}

void write_options(StateWriter& out, const AnalyzerOptions& analyzer,
                   const ClusterOptions& options) {
  out(option_values(analyzer, options));
}

void check_options(StateReader& in, const AnalyzerOptions& analyzer,
                   const ClusterOptions& options) {
  std::vector<NamedValue> stored;
  in(stored);
  const std::vector<NamedValue> given = option_values(analyzer, options);
  for (std::size_t i = 0; i < std::max(stored.size(), given.size()); ++i) {
    if (i >= stored.size() || i >= given.size() || stored[i].name != given[i].name) {
      throw ConfigError("the stream state records other options than this build has ('" +
                        (i < stored.size() ? stored[i].name : given[i].name) + "')");
    }
    if (stored[i].value != given[i].value) {
      throw ConfigError("the stream state was made with " + given[i].name + " = " +
                        shown(stored[i].value) + ", not " + shown(given[i].value));
    }
  }
}

}  // namespace crossnews::detail
