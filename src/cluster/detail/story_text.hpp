#pragma once
// Pieces the story writers share (story_writer.cpp: JSONL and text; story_html.cpp: HTML).

#include <crossnews/story_writer.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace crossnews::detail {

/// "2018-01-26T10:00:00Z"
std::string format_utc(std::int64_t seconds);

/// The page's head (styles included) and its end.
void write_html_head(std::ostream& out);
void write_html_end(std::ostream& out, std::size_t stories, std::size_t articles);
/// One story's section; `details` may be null (summary only).
void write_html_story(std::ostream& out, const StorySummary& story, const StoryDetails* details);

}  // namespace crossnews::detail
