#include "lexicon/detail/tsv.hpp"

#include "lexicon/detail/text.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace crossnews::detail {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

using Fields = boost::container::small_vector<std::string_view, 8>;

void split_tabs(std::string_view line, Fields& fields) {
  fields.clear();
  std::size_t pos = 0;
  while (true) {
    const std::size_t tab = line.find('\t', pos);
    fields.push_back(trim(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos)));
    if (tab == std::string_view::npos) break;
    pos = tab + 1;
  }
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<float> parse_weight(std::string_view text) {
  float value = 0.0f;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
      value <= 0.0f || value > 1.0f) {
    return std::nullopt;
  }
  return value;
}

class Parser {
 public:
  Parser(std::string_view source_name, const TsvHandlers& handlers, LexiconLoadReport& report)
      : source_(source_name), handlers_(handlers), report_(report) {}

  void line(std::uint64_t line_no, std::string_view text) {
    line_no_ = line_no;
    split_tabs(text, fields_);
    if (!seen_content_) {
      seen_content_ = true;
      if (fields_.size() >= 2 && equals_ignore_case(fields_[0], "concept")) {
        // A header names language columns; "concept lang term" only names the fields.
        if (std::any_of(fields_.begin() + 1, fields_.end(), is_language_code)) header(line_no);
        return;
      }
    }
    if (wide_) {
      wide_row();
    } else if (fields_.size() == 3) {
      concept_row();
    } else if (fields_.size() >= 4 && fields_.size() <= 6) {
      pair();
    } else {
      skip(
          "expected 3 fields (concept, lang, term) or 4 to 6 (lang_a, term_a, lang_b, term_b, "
          "weight, source), found " +
          std::to_string(fields_.size()));
    }
  }

 private:
  void skip(std::string reason) {
    report_.skipped.push_back({std::string(source_), line_no_, std::move(reason)});
  }

  bool check_language(std::string_view lang) {
    if (is_language_code(lang)) return true;
    skip("unknown language code '" + std::string(lang) + "'");
    return false;
  }

  void header(std::uint64_t line_no) {
    wide_ = true;
    columns_.assign(fields_.begin() + 1, fields_.end());
    for (auto& column : columns_) {
      if (!is_language_code(column)) {
        report_.skipped.push_back(
            {std::string(source_), line_no,
             "unknown language code '" + std::string(column) + "' in header: column ignored"});
        column = {};
      }
    }
  }

  void wide_row() {
    if (fields_.size() > columns_.size() + 1) {
      skip("expected at most " + std::to_string(columns_.size() + 1) + " fields, found " +
           std::to_string(fields_.size()));
      return;
    }
    if (fields_[0].empty()) {
      skip("empty concept name");
      return;
    }
    row_.line = line_no_;
    row_.concept_name = fields_[0];
    row_.cells.clear();
    for (std::size_t i = 1; i < fields_.size(); ++i) {
      if (!columns_[i - 1].empty() && !fields_[i].empty()) {
        row_.cells.emplace_back(columns_[i - 1], fields_[i]);
      }
    }
    if (row_.cells.empty()) {
      skip("no terms");
      return;
    }
    handlers_.row(row_);
  }

  void concept_row() {
    if (fields_[0].empty()) {
      skip("empty concept name");
      return;
    }
    if (!check_language(fields_[1])) return;
    if (fields_[2].empty()) {
      skip("empty term");
      return;
    }
    row_.line = line_no_;
    row_.concept_name = fields_[0];
    row_.cells.assign(1, {fields_[1], fields_[2]});
    handlers_.row(row_);
  }

  void pair() {
    TsvPair pair;
    pair.line = line_no_;
    pair.lang_a = fields_[0];
    pair.term_a = fields_[1];
    pair.lang_b = fields_[2];
    pair.term_b = fields_[3];
    if (!check_language(pair.lang_a) || !check_language(pair.lang_b)) return;
    if (pair.term_a.empty() || pair.term_b.empty()) {
      skip("empty term");
      return;
    }
    if (fields_.size() >= 5) {
      pair.weight = parse_weight(fields_[4]);
      if (!pair.weight) {
        skip("bad weight '" + std::string(fields_[4]) + "': expected a number in (0,1]");
        return;
      }
    }
    if (fields_.size() == 6) {
      pair.source = parse_link_source(fields_[5]);
      if (!pair.source) {
        skip("unknown source '" + std::string(fields_[5]) + "'");
        return;
      }
    }
    handlers_.pair(pair);
  }

  std::string_view source_;
  const TsvHandlers& handlers_;
  LexiconLoadReport& report_;
  std::uint64_t line_no_ = 0;
  bool seen_content_ = false;
  bool wide_ = false;
  std::vector<std::string_view> columns_;  // "" for ignored columns
  Fields fields_;
  TsvConceptRow row_;
};

}  // namespace

void parse_lexicon_tsv(std::string_view source_name, std::string_view content,
                       const TsvHandlers& handlers, LexiconLoadReport& report) {
  Parser parser(source_name, handlers, report);
  std::uint64_t line_no = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    const std::string_view line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    ++report.lines;
    const std::string_view trimmed = trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    parser.line(line_no, line);
  }
}

}  // namespace crossnews::detail
