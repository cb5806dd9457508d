#include "analysis/detail/terms.hpp"

#include <algorithm>
#include <cstring>

namespace crossnews::detail {
namespace {

// How many tokens ahead prepare() starts reading a word's cache slot, entry and text.
constexpr std::size_t kSlotDistance = 12, kEntryDistance = 8, kTextDistance = 4;

// All-caps words longer than this are emphasis or shouting, not acronyms ("EFF", "NATO", "UNESCO").
constexpr std::size_t kMaxAcronymLetters = 6;
// Capitalised runs longer than this are title-case headlines or lists, not one name.
constexpr std::size_t kMaxNameWords = 4;
// This many all-caps words in a row are a shouted headline: none of them is an acronym.
constexpr std::size_t kShoutingRun = 3;

bool is_all_caps(const Shape& s) { return s.letters >= 2 && s.upper == s.letters; }
bool is_acronym(const Shape& s) { return is_all_caps(s) && s.letters <= kMaxAcronymLetters; }
// An uppercase letter after the first letter, in a word that is not all caps: "iPhone", "McAfee".
bool is_camel(const Shape& s) { return s.upper > (s.first_upper ? 1 : 0) && s.upper < s.letters; }

// German adjectives in names carry these endings ("Deutsche Telekom", "Rotes Kreuz").
bool has_adjective_ending(std::string_view word) {
  if (word.size() < 4) return false;
  return word.ends_with('e') || word.ends_with("er") || word.ends_with("es") ||
         word.ends_with("en") || word.ends_with("em");
}

// Rewrites an ASCII number in place and returns its new length: thousands separators dropped
// ("1.000", "1,000" -> "1000") and a single decimal comma written as a point ("2,6" -> "2.6"), so
// that the same number gives the same token in every language. Groups of exactly three digits
// after the separator read as thousands, the common reading in news in both conventions. Dates
// and versions ("12.03.2018") stay as they are.
std::size_t normalize_number(char* s, std::size_t n) {
  if (std::any_of(s, s + n, [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) return n;
  std::size_t groups = 0;
  std::size_t first = 0;
  std::size_t current = 0;
  bool tails_of_three = true;
  bool one_separator = true;
  char separator = 0;
  for (std::size_t i = 0; i <= n; ++i) {
    if (i < n && s[i] >= '0' && s[i] <= '9') {
      ++current;
      continue;
    }
    if (groups == 0) {
      first = current;
    } else {
      tails_of_three = tails_of_three && current == 3;
    }
    ++groups;
    current = 0;
    if (i < n) {
      if (separator == 0) separator = s[i];
      one_separator = one_separator && s[i] == separator;
    }
  }
  if (groups == 1) return n;
  const bool grouping =
      separator == '.' || separator == ',' || separator == '\'' || separator == '_';
  if (one_separator && grouping && first >= 1 && first <= 3 && tails_of_three) {
    return static_cast<std::size_t>(
        std::remove_if(s, s + n, [](char c) { return c < '0' || c > '9'; }) - s);
  }
  if (groups == 2 && (separator == '.' || separator == ',')) std::replace(s, s + n, ',', '.');
  return n;
}

constexpr std::string_view kRightQuote = "\xE2\x80\x99";
constexpr std::string_view kLeftQuote = "\xE2\x80\x98";
constexpr std::string_view kFullwidthApostrophe = "\xEF\xBC\x87";

// Byte offset just past the first apostrophe of a surface form, 0 when it has none.
std::size_t after_first_apostrophe(std::string_view raw) {
  std::size_t best = std::string_view::npos;
  std::size_t length = 0;
  for (const std::string_view mark :
       {std::string_view("'"), kRightQuote, kLeftQuote, kFullwidthApostrophe}) {
    if (const std::size_t pos = raw.find(mark); pos < best) {
      best = pos;
      length = mark.size();
    }
  }
  return best == std::string_view::npos ? 0 : best + length;
}

}  // namespace

void TermBuilder::prepare(std::vector<RawToken>& tokens, ByteBuffer& arena,
                          std::array<std::string_view, 2> texts, LanguageState& lang) {
  states_.assign(tokens.size(), TokenState{});
  // Plain words (most tokens) are looked up as they are: their cache look-ups are started a few
  // tokens ahead, one memory read per step, so that each finds its data in the CPU's cache.
  const auto plain_word = [&](const RawToken& token) {
    return token.plain && !(token.shape.has_digit && token.shape.letters == 0);
  };
  tags_.resize(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (plain_word(tokens[i])) {
      tags_[i] = WordIndex::tag(arena.view(tokens[i].fold_begin, tokens[i].fold_len));
    }
  }
  const auto ahead = [&](std::size_t i, std::size_t distance) {
    return i + distance < tokens.size() && plain_word(tokens[i + distance]);
  };
  const auto elisions = lang.elisions();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (ahead(i, kSlotDistance)) lang.prefetch_slot(tags_[i + kSlotDistance]);
    if (ahead(i, kEntryDistance)) lang.prefetch_entry(tags_[i + kEntryDistance]);
    if (ahead(i, kTextDistance)) lang.prefetch_text(tags_[i + kTextDistance]);
    RawToken& token = tokens[i];
    TokenState& state = states_[i];
    char* folded = arena.data() + token.fold_begin;
    std::size_t length = token.fold_len;
    if (token.plain) {
      if (plain_word(token)) {
        state.entry = lang.lookup(std::string_view(folded, length), tags_[i]);
      } else {
        state.kind = Kind::number;
        token.fold_len = static_cast<std::uint32_t>(normalize_number(folded, length));
      }
      continue;
    }
    if (std::string_view(folded, length).find("\xE2\x80") != std::string_view::npos) {
      length = normalize_apostrophes(folded, length);
    }
    if (!elisions.empty()) {
      const std::string_view word(folded, length);
      const std::size_t apostrophe = word.find('\'');
      if (apostrophe != std::string_view::npos && apostrophe > 0 && apostrophe + 1 < length &&
          std::find(elisions.begin(), elisions.end(), word.substr(0, apostrophe)) !=
              elisions.end()) {
        folded += apostrophe + 1;
        length -= apostrophe + 1;
        token.fold_begin += static_cast<std::uint32_t>(apostrophe + 1);
        // The shape must be the remainder's: "dell'Europa" is a capitalised word.
        const std::string_view text = texts[token.field == Field::title ? 0 : 1];
        const std::string_view raw = text.substr(token.raw_begin, token.raw_end - token.raw_begin);
        const std::size_t cut = after_first_apostrophe(raw);
        token.raw_begin += static_cast<std::uint32_t>(cut);
        token.shape = shape_of(raw.substr(cut));
      }
    }
    // ICU keeps '@' inside words for e-mail addresses; a handle "@kaspersky" names "kaspersky".
    while (length > 0 && folded[0] == '@') {
      ++folded;
      --length;
      ++token.fold_begin;
    }
    while (length > 0 && folded[length - 1] == '@') --length;
    token.fold_len = static_cast<std::uint32_t>(length);
    if (length == 0) {
      state.kind = Kind::dropped;
    } else if (token.shape.has_digit && token.shape.letters == 0) {
      state.kind = Kind::number;
      token.fold_len = static_cast<std::uint32_t>(normalize_number(folded, length));
    } else {
      state.entry = lang.lookup(std::string_view(folded, length));
    }
  }
}

// Capitalisation heuristics, documented per case in is_entity. Document-level evidence is
// gathered first: which words occur in lowercase, which capitalised mid-sentence.
void TermBuilder::decide_article(const std::vector<RawToken>& tokens, const ByteBuffer& arena,
                                 LanguageState& lang) {
  const std::uint32_t document = lang.document();
  // A title in title case ("Twitter Bans Kaspersky Ads") says nothing about names: its words need
  // the same evidence as sentence-initial words. German capitalises nouns anyway, so it is exempt.
  bool title_case = false;
  if (!lang.german()) {
    std::size_t words = 0;
    std::size_t capitalised = 0;
    for (std::size_t i = 0; i < tokens.size() && tokens[i].field == Field::title; ++i) {
      if (states_[i].kind != Kind::word || tokens[i].shape.letters == 0 ||
          lang.entry(states_[i].entry).stopword) {
        continue;
      }
      ++words;
      capitalised += tokens[i].shape.first_upper ? 1 : 0;
    }
    title_case = words >= 3 && capitalised * 5 >= words * 4;
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const RawToken& token = tokens[i];
    TokenState& state = states_[i];
    state.sentence_start =
        token.gap == Gap::sentence || (token.field == Field::title && title_case);
    if (state.kind != Kind::word) continue;
    const Shape& shape = token.shape;
    if (shape.upper == 0) {
      if (shape.letters > 0) lang.entry(state.entry).lower_seen = document;
    } else if (shape.first_upper && !state.sentence_start && !is_all_caps(shape)) {
      lang.entry(state.entry).cap_mid_seen = document;
    }
  }
  // Decisions. Only words with a capital can be names; the others keep the default state.
  std::size_t caps_run_end = 0;  // end of the all-caps run (within one sentence) last measured
  bool shouting = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Shape& shape = tokens[i].shape;
    if (shape.upper == 0) continue;
    if (is_all_caps(shape) && i >= caps_run_end) {
      caps_run_end = i + 1;
      while (caps_run_end < tokens.size() && is_all_caps(tokens[caps_run_end].shape) &&
             tokens[caps_run_end].gap != Gap::sentence) {
        ++caps_run_end;
      }
      shouting = caps_run_end - i >= kShoutingRun;
    }
    TokenState& state = states_[i];
    state.entity = is_entity(tokens[i], state, is_all_caps(shape) && shouting, lang);
    state.word = !state.entity;
    state.in_run = state.entity;
    // German: a known capitalised adjective directly before a name belongs to it ("Deutsche
    // Telekom"); it joins the multi-word name but stays a word term itself.
    if (state.entity && lang.german() && i > 0 && tokens[i].gap == Gap::space) {
      TokenState& previous = states_[i - 1];
      const RawToken& before = tokens[i - 1];
      if (previous.kind == Kind::word && !previous.entity && before.shape.first_upper &&
          !lang.entry(previous.entry).stopword &&
          has_adjective_ending(arena.view(before.fold_begin, before.fold_len))) {
        previous.in_run = true;
      }
    }
  }
}

// Which words are names. Everywhere: acronyms ("EFF", "USA") and inner capitals ("iPhone") are
// names, capitalised stopwords never are, and a shouted headline has no names.
//  - A capitalised word inside a sentence is a name. At a sentence start (or in a title-case
//    title) it is a name only when the document also has it capitalised mid-sentence: an unknown
//    sentence-initial word is more often an ordinary word than a name.
//  - German capitalises every noun, so there a capitalised word must also be unknown to the
//    language: not a stopword, not in the word list (nor sharing a stem with a listed word), not
//    decompoundable into listed words, and not seen in lowercase in the same document.
bool TermBuilder::is_entity(const RawToken& token, const TokenState& state, bool shouting,
                            LanguageState& lang) const {
  const Shape& shape = token.shape;
  if (shape.upper == 0 || !resources_.options.entities || state.kind != Kind::word || shouting) {
    return false;
  }
  if (is_acronym(shape) || is_camel(shape)) return true;
  if (!shape.first_upper) return false;
  const CacheEntry& e = lang.entry(state.entry);
  if (e.stopword) return false;
  const bool evidence = !state.sentence_start || e.cap_mid_seen == lang.document();
  if (lang.german()) return evidence && !e.known && e.lower_seen != lang.document();
  return evidence;
}

void TermBuilder::build_article(std::vector<RawToken>& tokens, ByteBuffer& arena,
                                std::string_view title, std::string_view body, LanguageState& lang,
                                AnalyzedText& out) {
  out_ = &out;
  max_terms_ = resources_.options.max_terms;
  phrase_ = false;
  keep_stopwords_ = false;
  full_ = false;
  out.key_space = lang.key_space();
  prepare(tokens, arena, {title, body}, lang);
  decide_article(tokens, arena, lang);
  emit_all(tokens, arena, lang);
}

void TermBuilder::build_phrase(std::vector<RawToken>& tokens, ByteBuffer& arena,
                               std::string_view phrase, LanguageState& lang, AnalyzedText& out) {
  out_ = &out;
  max_terms_ = resources_.options.max_terms;
  phrase_ = true;
  full_ = false;
  // Phrases are appended to terms of other analyses, possibly of other languages: no keys.
  out.keys.clear();
  out.key_space = 0;
  prepare(tokens, arena, {phrase, phrase}, lang);
  // A phrase made only of stopwords ("per", "über") is still an entry: keep its words.
  bool any_word = false;
  bool all_stopwords = true;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (states_[i].kind != Kind::word) continue;
    any_word = true;
    all_stopwords = all_stopwords && lang.entry(states_[i].entry).stopword;
  }
  keep_stopwords_ = any_word && all_stopwords;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TokenState& state = states_[i];
    const Shape& shape = tokens[i].shape;
    state.entity = resources_.options.entities && state.kind == Kind::word && shape.letters > 0 &&
                   (shape.first_upper || is_acronym(shape) || is_camel(shape));
    state.word = true;
    state.in_run = state.entity;
  }
  emit_all(tokens, arena, lang);
}

void TermBuilder::emit_all(const std::vector<RawToken>& tokens, const ByteBuffer& arena,
                           LanguageState& lang) {
  run_.clear();
  run_words_ = run_entities_ = 0;
  for (std::size_t i = 0; i < tokens.size() && !full_;) {
    std::size_t end = i + 1;
    while (end < tokens.size() && tokens[end].gap == Gap::hyphen) ++end;
    const TokenState& state = states_[i];
    set_source(tokens[i], tokens[end - 1]);
    if (end - i == 1 && state.kind == Kind::word && !state.entity && !state.in_run) {
      // The common case, an ordinary word, without the detours of emit_single.
      if (run_words_ > 0) flush_run();
      emit_word(state.entry, TermKind::word, tokens[i].field, lang);
      if (tokens[i].shape.has_digit) emit_leading_number(tokens[i], arena);
    } else if (end - i == 1) {
      emit_single(tokens[i], state, arena, lang);
    } else {
      emit_group(tokens, i, end, arena, lang);
    }
    i = end;
  }
  flush_run();
}

void TermBuilder::emit_single(const RawToken& token, const TokenState& state,
                              const ByteBuffer& arena, LanguageState& lang) {
  if (state.kind != Kind::word) {
    flush_run();
    if (state.kind == Kind::number) {
      emit(resources_.options.entities ? TermKind::number : TermKind::word,
           arena.view(token.fold_begin, token.fold_len), token.field);
    }
    return;
  }
  if (state.in_run) {
    add_to_run(lang.entity(state.entry, entities_), token.gap, state.entity, token.field);
  } else {
    flush_run();
  }
  if (state.entity) emit_entity(state.entry, token.field, lang);
  if (state.word) emit_word(state.entry, TermKind::word, token.field, lang);
  if (token.shape.has_digit) emit_leading_number(token, arena);
}

// A hyphenated compound ("Kaspersky-Lab-Software", "cyber-estorsori") keeps the whole word and
// adds its parts. When every part is a name the whole is a name too ("Hewlett-Packard").
void TermBuilder::emit_group(const std::vector<RawToken>& tokens, std::size_t first,
                             std::size_t last, const ByteBuffer& arena, LanguageState& lang) {
  const Field field = tokens[first].field;
  scratch_.clear();
  joined_.clear();
  bool all_entity = true;
  for (std::size_t k = first; k < last; ++k) {
    const TokenState& state = states_[k];
    if (state.kind == Kind::dropped) continue;
    all_entity = all_entity && state.entity;
    if (!scratch_.empty()) scratch_.push_back('-');
    scratch_.append(arena.view(tokens[k].fold_begin, tokens[k].fold_len));
  }
  if (scratch_.empty()) {
    flush_run();
    return;
  }
  if (all_entity) {
    for (std::size_t k = first; k < last; ++k) {
      if (states_[k].kind == Kind::dropped) continue;
      if (!joined_.empty()) joined_.push_back('-');
      joined_.append(lang.entity(states_[k].entry, entities_));
    }
  }
  if (all_entity && !phrase_) {
    add_to_run(joined_, tokens[first].gap, true, field);
  } else {
    flush_run();
    emit_word(lang.lookup(scratch_), TermKind::word, field, lang);
  }
  if (all_entity) emit(TermKind::entity, joined_, field);
  for (std::size_t k = first; k < last; ++k) {
    const TokenState& state = states_[k];
    if (state.kind == Kind::number) {
      emit(resources_.options.entities ? TermKind::number : TermKind::compound_part,
           arena.view(tokens[k].fold_begin, tokens[k].fold_len), field);
    } else if (state.kind == Kind::word) {
      if (state.entity) emit_entity(state.entry, field, lang);
      if (!state.entity || phrase_) emit_word(state.entry, TermKind::compound_part, field, lang);
    }
  }
}

// "94mil", "10km", "2018er": UAX #29 keeps a number glued to its unit or suffix in one word; the
// number itself is what links across languages ("94 Millionen"), so it is added as well.
void TermBuilder::emit_leading_number(const RawToken& token, const ByteBuffer& arena) {
  const std::string_view word = arena.view(token.fold_begin, token.fold_len);
  const auto digit = [&](std::size_t i) {
    return i < word.size() && word[i] >= '0' && word[i] <= '9';
  };
  const auto separator = [&](std::size_t i) {
    return i > 0 && (word[i] == '.' || word[i] == ',') && digit(i + 1);
  };
  std::size_t end = 0;
  while (end < word.size() && (digit(end) || separator(end))) ++end;
  if (end == 0 || end == word.size()) return;
  scratch_.assign(word.substr(0, end));
  scratch_.resize(normalize_number(scratch_.data(), scratch_.size()));
  emit(resources_.options.entities ? TermKind::number : TermKind::word, scratch_, token.field);
}

void TermBuilder::add_to_run(std::string_view entity, Gap gap, bool is_entity, Field field) {
  if (run_words_ > 0 && gap != Gap::space) flush_run();
  if (run_words_ == 0) run_begin_ = source_begin_;
  run_end_ = source_end_;
  if (run_words_ > 0) run_.push_back(' ');
  run_.append(entity);
  ++run_words_;
  run_entities_ += is_entity ? 1 : 0;
  run_field_ = field;
}

void TermBuilder::flush_run() {
  if (resources_.options.multiword_entities && run_words_ >= 2 && run_words_ <= kMaxNameWords &&
      run_entities_ > 0) {
    const std::uint32_t begin = source_begin_, end = source_end_;
    source_begin_ = run_begin_;
    source_end_ = run_end_;
    emit(TermKind::entity, run_, run_field_);
    source_begin_ = begin;
    source_end_ = end;
  }
  run_.clear();
  run_words_ = run_entities_ = 0;
}

}  // namespace crossnews::detail
