#include <crossnews/story_writer.hpp>

#include <crossnews/error.hpp>

#include "cluster/detail/link_score.hpp"
#include "cluster/detail/story_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <tuple>

namespace crossnews {
namespace {

void write_json_string(std::ostream& out, std::string_view s) {
  out << '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out << '\\' << ch;
    } else if (c == '\n') {
      out << "\\n";
    } else if (c == '\r') {
      out << "\\r";
    } else if (c == '\t') {
      out << "\\t";
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out << escaped;
    } else {
      out << ch;
    }
  }
  out << '"';
}

template <class Map, class WriteValue>
void write_json_map(std::ostream& out, const Map& map, WriteValue write_value) {
  out << '{';
  const char* separator = "";
  for (const auto& [key, value] : map) {
    out << separator;
    separator = ",";
    write_json_string(out, key);
    out << ':';
    write_value(value);
  }
  out << '}';
}

void write_json_strings(std::ostream& out, const std::vector<std::string>& items) {
  out << '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out << ',';
    write_json_string(out, items[i]);
  }
  out << ']';
}

void write_json_time(std::ostream& out, const std::optional<std::int64_t>& time) {
  if (time) {
    write_json_string(out, detail::format_utc(*time));
  } else {
    out << "null";
  }
}

void write_jsonl(std::ostream& out, const StorySummary& s) {
  out << "{\"id\":" << s.id << ",\"size\":" << s.size << ",\"languages\":";
  write_json_map(out, s.languages, [&](std::size_t count) { out << count; });
  out << ",\"first_time\":";
  write_json_time(out, s.first_time);
  out << ",\"last_time\":";
  write_json_time(out, s.last_time);
  out << ",\"keywords\":";
  write_json_map(out, s.keywords, [&](const auto& words) { write_json_strings(out, words); });
  out << ",\"titles\":";
  write_json_map(out, s.titles, [&](const std::string& title) { write_json_string(out, title); });
  out << ",\"members\":";
  write_json_strings(out, s.member_ids);
  out << "}\n";
}

std::string_view shown_lang(const std::string& lang) {
  return lang.empty() ? std::string_view("?") : std::string_view(lang);
}

// A block per story for people: size and languages, time span, titles and keywords per language.
void write_text(std::ostream& out, const StorySummary& s) {
  out << "Story " << s.id << ": " << s.size << (s.size == 1 ? " article" : " articles");
  std::string langs;
  for (const auto& [lang, count] : s.languages) {
    langs += (langs.empty() ? "" : ", ") + std::string(shown_lang(lang)) + " " +
             std::to_string(count);
  }
  out << " (" << langs << ")";
  if (s.first_time) {
    const std::string first_day = detail::format_utc(*s.first_time).substr(0, 10);
    out << ", " << first_day;
    if (s.last_time && detail::format_utc(*s.last_time).substr(0, 10) != first_day) {
      out << " to " << detail::format_utc(*s.last_time).substr(0, 10);
    }
  }
  out << '\n';
  for (const auto& [lang, title] : s.titles) {
    out << "  [" << shown_lang(lang) << "] " << title << '\n';
    auto kw = s.keywords.find(lang);
    if (kw != s.keywords.end() && !kw->second.empty()) {
      out << "       keywords:";
      for (const auto& k : kw->second) out << ' ' << k;
      out << '\n';
    }
  }
  out << "  members:";
  for (const auto& id : s.member_ids) out << ' ' << id;
  out << "\n\n";
}

}  // namespace

std::string detail::format_utc(std::int64_t seconds) {
  using namespace std::chrono;
  const sys_seconds time{std::chrono::seconds(seconds)};
  const sys_days day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                int(clock.minutes().count()), int(clock.seconds().count()));
  return text;
}

StoryFormat parse_story_format(std::string_view name) {
  if (name == "jsonl") return StoryFormat::jsonl;
  if (name == "text") return StoryFormat::text;
  if (name == "html") return StoryFormat::html;
  throw ConfigError("story format '" + std::string(name) + "': use jsonl, text or html");
}

StoryDetails describe_story(const Featurizer& featurizer, const Lexicon* lexicon,
                            const StorySummary& story, const ClusterOptions& options,
                            std::size_t max_links) {
  StoryDetails details;
  std::vector<DocId> docs;
  for (const std::string& id : story.member_ids) {
    const auto doc = featurizer.find(id);
    if (!doc) throw InputError("story " + to_string(story.id) + ": no article '" + id + "'");
    const DocFeatures& f = featurizer.features(*doc);
    details.articles.push_back({id, std::string(featurizer.language(f.lang_slot)), f.time,
                                std::string(featurizer.title(*doc))});
    docs.push_back(*doc);
  }
  std::sort(details.articles.begin(), details.articles.end(),
            [](const StoryArticle& a, const StoryArticle& b) {
              return std::tuple(!a.time, a.time.value_or(0), a.id) <
                     std::tuple(!b.time, b.time.value_or(0), b.id);
            });
  // Every cross-lingual pair is scored (cheap: two vectors); only the closest are explained,
  // which re-analyses both articles.
  struct Pair {
    float similarity;
    std::size_t a, b;
  };
  std::vector<Pair> pairs;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    for (std::size_t j = i + 1; j < docs.size(); ++j) {
      const DocFeatures& fa = featurizer.features(docs[i]);
      const DocFeatures& fb = featurizer.features(docs[j]);
      if (fa.lang_slot == fb.lang_slot) continue;
      pairs.push_back({detail::score_link(featurizer, fa, fb, options).similarity, i, j});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
    return std::tie(y.similarity, x.a, x.b) < std::tie(x.similarity, y.a, y.b);
  });
  const std::size_t shown = std::min(pairs.size(), max_links);
  details.links_left_out = pairs.size() - shown;
  for (std::size_t k = 0; k < shown; ++k) {
    const Pair& p = pairs[k];
    details.links.push_back({story.member_ids[p.a], story.member_ids[p.b],
                             explain_link(featurizer, lexicon, docs[p.a], docs[p.b], options)});
  }
  return details;
}

StoryWriter::StoryWriter(std::ostream& out, StoryFormat format) : out_(out), format_(format) {}

void StoryWriter::begin_page() {
  if (format_ == StoryFormat::html && !page_begun_) detail::write_html_head(out_);
  page_begun_ = true;
}

void StoryWriter::write(const StorySummary& story) {
  switch (format_) {
    case StoryFormat::jsonl:
      write_jsonl(out_, story);
      break;
    case StoryFormat::text:
      write_text(out_, story);
      break;
    case StoryFormat::html:
      begin_page();
      detail::write_html_story(out_, story, nullptr);
      break;
  }
  ++stories_;
  articles_ += story.size;
}

void StoryWriter::write(const StorySummary& story, const StoryDetails& details) {
  if (format_ != StoryFormat::html) return write(story);
  begin_page();
  detail::write_html_story(out_, story, &details);
  ++stories_;
  articles_ += story.size;
}

void StoryWriter::finish() {
  if (format_ != StoryFormat::html) return;
  begin_page();
  detail::write_html_end(out_, stories_, articles_);
}

}  // namespace crossnews
