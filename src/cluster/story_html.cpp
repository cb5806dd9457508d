// The HTML story report: one page, styles inline, no scripts, every text HTML-escaped.

#include "cluster/detail/story_text.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace crossnews::detail {
namespace {

// Shared features listed per explained pair.
constexpr std::size_t kFeaturesPerLink = 10;

constexpr std::string_view kStyle = R"(
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6574; --line: #dde1e7; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f4f7; color: var(--ink); line-height: 1.45;
  font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
header.page, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header.page h1 { font-size: 26px; margin: 28px 0 4px; }
header.page p, footer { color: var(--muted); }
footer { padding-bottom: 32px; }
.story { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 18px 0; box-shadow: 0 1px 3px rgba(20, 30, 50, .06); }
.story h2 { font-size: 19px; margin: 0 0 4px; }
.meta { color: var(--muted); font-size: 13.5px; margin-bottom: 10px; }
.meta code { color: var(--ink); }
.lang { display: inline-block; min-width: 2.4em; text-align: center; border-radius: 999px;
  padding: 1px 8px; font-size: 12px; font-weight: 600; letter-spacing: .03em;
  background: hsl(var(--h) 65% 92%); color: hsl(var(--h) 60% 28%);
  border: 1px solid hsl(var(--h) 45% 78%); }
.langs .lang { margin-right: 4px; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
  margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: 5px 8px; border-top: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); font-weight: 600; border-top: none; }
td.l { width: 3.6em; }
.kw { display: inline-block; background: #eef1f5; border-radius: 4px; padding: 0 6px;
  margin: 2px 4px 2px 0; font-size: 13px; }
.strip { position: relative; height: 22px; margin: 4px 6px 2px; }
.strip::before { content: ""; position: absolute; left: 0; right: 0; top: 10px;
  border-top: 2px solid var(--line); }
.dot { position: absolute; top: 5px; width: 12px; height: 12px; margin-left: -6px;
  border-radius: 50%; background: hsl(var(--h) 60% 45%); border: 2px solid #fff; }
.ends { display: flex; justify-content: space-between; color: var(--muted); font-size: 12px;
  margin: 0 6px 6px; }
ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline li { display: grid; grid-template-columns: 9.5em 3.6em 1fr auto; gap: 8px;
  padding: 4px 0; border-top: 1px solid var(--line); align-items: baseline; }
ol.timeline time, .id { color: var(--muted); font-size: 13px; }
.id { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
details.link { border: 1px solid var(--line); border-radius: 8px; margin: 6px 0; padding: 0 10px; }
details.link summary { cursor: pointer; padding: 7px 0; }
details.link[open] summary { border-bottom: 1px solid var(--line); }
.sim { font-weight: 600; }
.bar { display: inline-block; height: 8px; background: #6b8fd6; border-radius: 4px;
  vertical-align: middle; }
.src { color: var(--muted); font-size: 12.5px; }
.more { color: var(--muted); font-size: 13px; }
)";

// Writes `text` with the characters HTML gives a meaning to as entities, the runs between them
// as they are.
void escape(std::ostream& out, std::string_view text) {
  constexpr std::string_view kSpecial = "&<>\"'";
  constexpr std::string_view kEntities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
  for (std::size_t at; (at = text.find_first_of(kSpecial)) != std::string_view::npos;) {
    out << text.substr(0, at) << kEntities[kSpecial.find(text[at])];
    text.remove_prefix(at + 1);
  }
  out << text;
}

// A language's colour, the same on every page: distinct hues for the languages crossnews
// analyses most, a hue derived from the code for the others.
unsigned hue_of(std::string_view lang) {
  constexpr std::pair<std::string_view, unsigned> kHues[] = {
      {"de", 0}, {"en", 212}, {"es", 32}, {"fr", 275}, {"it", 135}, {"pt", 175}, {"nl", 55}};
  for (const auto& [code, hue] : kHues) {
    if (code == lang) return hue;
  }
  unsigned hash = 0;
  for (const char c : lang) hash = hash * 31 + static_cast<unsigned char>(c);
  return (hash * 47) % 360;
}

void badge(std::ostream& out, std::string_view lang) {
  out << "<span class=\"lang\" style=\"--h:" << hue_of(lang) << "\">";
  escape(out, lang.empty() ? "?" : lang);
  out << "</span>";
}

std::string minute(std::int64_t seconds) {
  std::string t = format_utc(seconds);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

void number(std::ostream& out, float value) {
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", value);
  out << text;
}

void write_languages(std::ostream& out, const StorySummary& story) {
  out << "<h3>In each language</h3><table>";
  for (const auto& [lang, title] : story.titles) {
    out << "<tr><td class=\"l\">";
    badge(out, lang);
    out << "</td><td>";
    escape(out, title);
    out << "<div>";
    if (auto kw = story.keywords.find(lang); kw != story.keywords.end()) {
      for (const auto& word : kw->second) {
        out << "<span class=\"kw\">";
        escape(out, word);
        out << "</span>";
      }
    }
    out << "</div></td></tr>";
  }
  out << "</table>";
}

// The members in time order: a strip with one dot per dated article, then the list.
void write_timeline(std::ostream& out, const StorySummary& story, const StoryDetails& details) {
  out << "<h3>Time line</h3>";
  if (story.first_time && story.last_time && *story.last_time > *story.first_time) {
    const double span = double(*story.last_time - *story.first_time);
    out << "<div class=\"strip\">";
    for (const StoryArticle& a : details.articles) {
      if (!a.time) continue;
      char left[16];
      std::snprintf(left, sizeof left, "%.1f", 100.0 * double(*a.time - *story.first_time) / span);
      out << "<span class=\"dot\" style=\"left:" << left << "%;--h:" << hue_of(a.lang)
          << "\" title=\"";
      escape(out, a.id + " (" + a.lang + ") " + minute(*a.time));
      out << "\"></span>";
    }
    out << "</div><div class=\"ends\"><span>" << minute(*story.first_time) << "</span><span>"
        << minute(*story.last_time) << "</span></div>";
  }
  out << "<ol class=\"timeline\">";
  for (const StoryArticle& a : details.articles) {
    out << "<li><time>" << (a.time ? minute(*a.time) : std::string("undated")) << "</time><span>";
    badge(out, a.lang);
    out << "</span><span>";
    escape(out, a.title.empty() ? std::string_view("(no title)") : std::string_view(a.title));
    out << "</span><span class=\"id\">";
    escape(out, a.id);
    out << "</span></li>";
  }
  out << "</ol>";
}

// One side of a shared feature: the article's words, listed with commas (SharedFeature::terms
// separates them with '|').
void write_words(std::ostream& out, const std::vector<std::string_view>& words) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out << ", ";
    escape(out, words[i]);
  }
}

std::string_view lang_of(const StoryDetails& details, const std::string& id) {
  for (const StoryArticle& a : details.articles) {
    if (a.id == id) return a.lang;
  }
  return "";
}

void write_link(std::ostream& out, const StoryDetails& details, const StoryLink& link, bool open) {
  const std::string lang_a(lang_of(details, link.id_a)), lang_b(lang_of(details, link.id_b));
  const LinkExplanation& e = link.explanation;
  out << "<details class=\"link\"" << (open ? " open" : "") << "><summary><span class=\"id\">";
  escape(out, link.id_a);
  out << "</span> ";
  badge(out, lang_a);
  out << " &harr; <span class=\"id\">";
  escape(out, link.id_b);
  out << "</span> ";
  badge(out, lang_b);
  out << " &nbsp;similarity <span class=\"sim\">";
  number(out, e.similarity);
  out << "</span> <span class=\"src\">(content ";
  number(out, e.content);
  out << ", names ";
  number(out, e.names);
  out << ", time &times;";
  number(out, e.time_factor);
  out << ")</span></summary><table><tr><th>";
  badge(out, lang_a);
  out << "</th><th>";
  badge(out, lang_b);
  out << "</th><th>linked by</th><th>weight</th></tr>";
  const float heaviest = e.shared.empty() ? 1.0f : std::max(e.shared.front().weight, 1e-6f);
  for (std::size_t i = 0; i < e.shared.size() && i < kFeaturesPerLink; ++i) {
    const SharedFeature& f = e.shared[i];
    out << "<tr><td>";
    write_words(out, f.words(lang_a));
    out << "</td><td>";
    write_words(out, f.words(lang_b));
    out << "</td><td class=\"src\">";
    escape(out, f.source);
    out << "</td><td><span class=\"bar\" style=\"width:"
        << static_cast<int>(4 + 80 * f.weight / heaviest) << "px\"></span></td></tr>";
  }
  if (e.shared.empty()) out << "<tr><td colspan=\"4\" class=\"more\">nothing shared</td></tr>";
  out << "</table></details>";
}

void write_links(std::ostream& out, const StoryDetails& details) {
  if (details.links.empty()) return;
  out << "<h3>Why the languages are linked</h3>";
  for (std::size_t i = 0; i < details.links.size(); ++i) {
    write_link(out, details, details.links[i], i == 0);
  }
  if (details.links_left_out > 0) {
    out << "<p class=\"more\">" << details.links_left_out
        << " less similar cross-lingual pairs not shown</p>";
  }
}

}  // namespace

void write_html_head(std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>crossnews stories</title><style>"
      << kStyle
      << "</style></head>\n<body><header class=\"page\"><h1>Stories</h1>"
         "<p>Largest first. Each story's articles in every language, when they appeared, and "
         "the words that link its languages.</p></header><main>\n";
}

void write_html_story(std::ostream& out, const StorySummary& story, const StoryDetails* details) {
  out << "<section class=\"story\" id=\"story-" << story.id << "\"><h2>";
  const auto english = story.titles.find("en");
  const std::string& heading = english != story.titles.end() ? english->second
                               : story.titles.empty()       ? std::string()
                                                            : story.titles.begin()->second;
  escape(out, heading.empty() ? "Story " + to_string(story.id) : heading);
  out << "</h2><div class=\"meta\">Story <code>" << story.id << "</code> &middot; " << story.size
      << (story.size == 1 ? " article" : " articles");
  if (story.first_time) {
    out << " &middot; " << minute(*story.first_time);
    if (story.last_time && *story.last_time != *story.first_time) {
      out << " &ndash; " << minute(*story.last_time);
    }
  }
  out << "</div><div class=\"langs\">";
  for (const auto& [lang, count] : story.languages) {
    badge(out, lang);
    out << "<span class=\"more\">&times;" << count << "</span> ";
  }
  out << "</div>";
  write_languages(out, story);
  if (details != nullptr) {
    write_timeline(out, story, *details);
    write_links(out, *details);
  } else {
    out << "<h3>Members</h3><p class=\"id\">";
    for (const auto& id : story.member_ids) {
      escape(out, id);
      out << ' ';
    }
    out << "</p>";
  }
  out << "</section>\n";
}

void write_html_end(std::ostream& out, std::size_t stories, std::size_t articles) {
  out << "</main><footer>" << stories << (stories == 1 ? " story, " : " stories, ") << articles
      << (articles == 1 ? " article" : " articles") << ". Written by crossnews.</footer>"
      << "</body></html>\n";
}

}  // namespace crossnews::detail
