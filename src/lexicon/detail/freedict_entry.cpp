#include "lexicon/detail/freedict_entry.hpp"

#include <algorithm>
#include <array>

namespace crossnews::detail {
namespace {

// Ding's placeholders for objects ("etw. verbieten", "ban sth.") and list endings: not words of
// the translation.
constexpr std::array<std::string_view, 10> kPlaceholders{"etw.", "sth.", "jdn.",  "jdm.", "jds.",
                                                         "jd.",  "sb.",  "sb.'s", "etc.", "usw."};

// Labels that mark a rare register or a domain news rarely writes about. Such translations are
// tried after the unmarked ones, since only the first few translations of a headword are used.
// Regional labels ([Br.], [Am.]) and news domains ([pol.], [econ.], [jur.]) are not among them.
constexpr std::array<std::string_view, 27> kSecondaryLabels{
    "obs.",    "dated",  "archaic",  "formal", "coll.",  "ugs.",  "slang",   "vulg.", "poet.",
    "rare",    "selten", "veraltet", "geh.",   "humor.", "pej.",  "fig.",    "übtr.", "dialect",
    "ornith.", "bot.",   "zool.",    "biol.",  "min.",   "geol.", "textil.", "anat.", "astron."};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Removes a leading sense number ("2. ") and says whether there was one.
bool strip_leading_number(std::string_view& line) {
  std::size_t i = 0;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i == 0 || i >= line.size() || line[i] != '.') return false;
  if (i + 1 < line.size() && !is_space(line[i + 1])) return false;
  line = trim(line.substr(i + 1));
  return true;
}

/// Removes a trailing sense number ("interdiction, prohibition 2.": WikDict prints the number of
/// a following sense that has no translation at the end of the line).
void strip_trailing_number(std::string_view& line) {
  if (line.size() < 3 || line.back() != '.') return;
  std::size_t i = line.size() - 1;
  while (i > 0 && is_digit(line[i - 1])) --i;
  if (i == line.size() - 1 || i == 0 || !is_space(line[i - 1])) return;
  line = trim(line.substr(0, i));
}

bool is_commentary(std::string_view line) {
  return line.starts_with("Note:") || line.starts_with("Synonym") || line.starts_with("see:") ||
         line.starts_with('"');
}

bool has_secondary_label(std::string_view text) {
  std::size_t pos = 0;
  while ((pos = text.find('[', pos)) != std::string_view::npos) {
    const std::size_t end = text.find(']', pos);
    if (end == std::string_view::npos) return false;
    const std::string_view label = trim(text.substr(pos + 1, end - pos - 1));
    if (std::find(kSecondaryLabels.begin(), kSecondaryLabels.end(), label) !=
        kSecondaryLabels.end()) {
      return true;
    }
    pos = end + 1;
  }
  return false;
}

/// The words of a headword or translation: without pronunciation (/.../), grammar (<...> and
/// whatever Ding glues after it), bracketed labels and asides, and object placeholders. Empty for
/// quoted examples.
std::string clean_phrase(std::string_view raw) {
  std::string text;
  int depth = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (depth == 0 && c == '<') break;
    if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      if (depth > 0) --depth;
    } else if (depth > 0) {
      continue;
    } else if (c == '/' && (text.empty() || is_space(text.back())) && i + 1 < raw.size() &&
               !is_space(raw[i + 1])) {
      // A pronunciation opens with '/' before a sound; "Vorschlag / Anfrage" is an alternative.
      const std::size_t close = raw.find('/', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '"') {
      return {};
    } else {
      text += c;
    }
  }
  std::string phrase;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_space(text[pos])) ++pos;
    std::size_t end = pos;
    while (end < text.size() && !is_space(text[end])) ++end;
    const std::string_view word(text.data() + pos, end - pos);
    if (!word.empty() &&
        std::find(kPlaceholders.begin(), kPlaceholders.end(), word) == kPlaceholders.end()) {
      if (!phrase.empty()) phrase += ' ';
      phrase += word;
    }
    pos = end;
  }
  return phrase;
}

/// IPA letters and modifier letters (U+0250..U+02FF) are pronunciation left over from an entry
/// the reader could not take apart; no word of a dictionary language uses them.
bool has_ipa(std::string_view phrase) {
  for (std::size_t i = 0; i + 1 < phrase.size(); ++i) {
    const auto lead = static_cast<unsigned char>(phrase[i]);
    const auto next = static_cast<unsigned char>(phrase[i + 1]);
    if ((lead == 0xC9 && next >= 0x90) || lead == 0xCA || lead == 0xCB) return true;
  }
  return false;
}

}  // namespace

bool EntryParser::fits(const std::string& phrase) const {
  if (phrase.empty() || phrase.size() > 120 || has_ipa(phrase)) return false;
  return static_cast<std::size_t>(std::count(phrase.begin(), phrase.end(), ' ')) < max_words_;
}

void EntryParser::add_translations(std::string_view line, DictEntry& entry,
                                   std::vector<std::string>& marked) const {
  // A label before the first translation ("[adm.] debarment, disbarment") covers the line.
  std::size_t lead = 0;
  while (lead < line.size() && (line[lead] == '[' || is_space(line[lead]))) {
    if (line[lead] == ' ' || line[lead] == '\t') {
      ++lead;
      continue;
    }
    const std::size_t close = line.find(']', lead);
    if (close == std::string_view::npos) break;
    lead = close + 1;
  }
  const bool line_marked = has_secondary_label(line.substr(0, lead));
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    const char c = i < line.size() ? line[i] : ',';
    if (c == '(' || c == '[' || c == '{' || c == '<') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}' || c == '>') && depth > 0) {
      --depth;
    } else if ((c == ',' || c == ';') && (depth == 0 || i == line.size())) {
      const std::string_view item = line.substr(start, i - start);
      start = i + 1;
      std::string phrase = clean_phrase(item);
      if (!fits(phrase)) continue;
      auto& target = line_marked || has_secondary_label(item) ? marked : entry.translations;
      if (std::find(entry.translations.begin(), entry.translations.end(), phrase) ==
              entry.translations.end() &&
          std::find(marked.begin(), marked.end(), phrase) == marked.end()) {
        target.push_back(std::move(phrase));
      }
    }
  }
}

DictEntry EntryParser::parse(std::string_view body, std::string_view index_headword) const {
  DictEntry entry;
  std::vector<std::string> marked;
  bool have_headword = false;
  // True where a sense's translation line may start: after the headword and after a sense
  // number. Any other line is a gloss, note, example or cross-reference.
  bool expect_translations = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = trim(body.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (!have_headword) {
      entry.headword = clean_phrase(line);
      if (entry.headword.empty()) entry.headword = clean_phrase(index_headword);
      have_headword = true;
      expect_translations = true;
      continue;
    }
    const bool numbered = strip_leading_number(line);
    if (numbered && line.empty()) {
      expect_translations = false;  // a sense without translations: its gloss follows
      continue;
    }
    if (!numbered && !expect_translations) continue;
    expect_translations = false;
    strip_trailing_number(line);
    if (is_commentary(line)) continue;
    add_translations(line, entry, marked);
  }
  if (!fits(entry.headword)) return {};
  entry.primary = entry.translations.size();
  for (auto& phrase : marked) entry.translations.push_back(std::move(phrase));
  return entry;
}

}  // namespace crossnews::detail
