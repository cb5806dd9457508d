#pragma once
// Story summaries written out for scripts (JSONL), for a terminal (text) and for a browser (one
// self-contained HTML page: no network, no scripts).
//
// The writer only writes to the stream it is given; the caller opens, checks and closes it.

#include <crossnews/clusterer.hpp>
#include <crossnews/explain.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

enum class StoryFormat : std::uint8_t { jsonl, text, html };

/// "jsonl", "text" or "html"; anything else is a ConfigError naming the accepted set.
[[nodiscard]] StoryFormat parse_story_format(std::string_view name);

/// One member of a story as the report shows it.
struct StoryArticle {
  std::string id;
  std::string lang;
  std::optional<std::int64_t> time;
  std::string title;
};

/// Two articles of a story in different languages, and why they are alike.
struct StoryLink {
  std::string id_a;
  std::string id_b;
  LinkExplanation explanation;
};

/// What the HTML report shows beyond the summary.
struct StoryDetails {
  std::vector<StoryArticle> articles;  ///< oldest first (undated last), then by id
  std::vector<StoryLink> links;        ///< cross-lingual pairs, most similar first
  std::size_t links_left_out = 0;      ///< cross-lingual pairs beyond the ones listed
};

/// The members of `story` and its `max_links` most similar cross-lingual pairs, explained.
/// `featurizer` is the one that clustered the story (the clusterer's featurizer()), and must
/// keep its articles (FeaturizerOptions::keep_articles, else ConfigError).
[[nodiscard]] StoryDetails describe_story(const Featurizer& featurizer, const Lexicon* lexicon,
                                          const StorySummary& story,
                                          const ClusterOptions& options,
                                          std::size_t max_links = 12);

/// Writes stories one by one, in the order given; call finish() once after the last.
/// jsonl: one JSON object per line (id, size, languages, first_time, last_time, keywords,
/// titles, members). text: one block per story. html: one page; details (describe_story) add
/// the members' time line and the explained cross-lingual pairs.
class StoryWriter {
 public:
  StoryWriter(std::ostream& out, StoryFormat format);

  void write(const StorySummary& story);
  void write(const StorySummary& story, const StoryDetails& details);
  /// Ends the output (the HTML page's closing part; nothing for jsonl and text).
  void finish();

 private:
  void begin_page();

  std::ostream& out_;
  StoryFormat format_;
  bool page_begun_ = false;
  std::size_t stories_ = 0;
  std::size_t articles_ = 0;
};

}  // namespace crossnews
