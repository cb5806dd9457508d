#include "lexicon/detail/tables_io.hpp"

#include <algorithm>
#include <bit>

namespace crossnews::detail {

namespace {

// Hash order would make two saves of one lexicon differ: sets and maps are written sorted.
template <class Container>
std::vector<std::string_view> sorted_keys(const Container& container) {
  std::vector<std::string_view> keys;
  keys.reserve(container.size());
  for (const auto& entry : container) {
    if constexpr (requires { entry.first; }) {
      keys.push_back(entry.first);
    } else {
      keys.push_back(entry);
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

template <class Item>
void write_ranges(ByteWriter& out, const std::vector<std::uint32_t>& begin,
                  const std::vector<Item>& items) {
  out.u64(begin.size());
  for (const std::uint32_t b : begin) out.u32(b);
  out.u64(items.size());
  for (const Item& item : items) {
    out.u32(item.lang);
    if constexpr (requires { item.term; }) {
      out.text(item.term);
    } else {
      out.text(item.text);
    }
  }
}

// Per-concept ranges of members or surfaces: `begin` rises from 0 to the item count, one more
// entry than there are concepts.
template <class Item>
void read_ranges(ByteReader& in, LexiconTables& t, std::vector<std::uint32_t>& begin,
                 std::vector<Item>& items, std::string_view field) {
  const std::uint64_t ranges = in.count(field, 4);
  if (ranges != t.names.size() + 1) in.fail(field, in.position(), "does not match the concepts");
  begin.resize(ranges);
  for (std::uint32_t& b : begin) b = in.u32(field);
  const std::uint64_t count = in.count(field, 4 + 4);
  if (begin.front() != 0 || begin.back() != count || !std::is_sorted(begin.begin(), begin.end())) {
    in.fail(field, in.position(), "has ranges out of order");
  }
  items.resize(count);
  for (Item& item : items) {
    const std::uint32_t lang = in.u32(field);
    if (lang >= t.langs.size()) in.fail(field, in.position(), "has a language out of range");
    item.lang = static_cast<std::uint16_t>(lang);
    const std::string_view text = t.pool.add(in.text(field));
    if constexpr (requires { item.term; }) {
      item.term = text;
    } else {
      item.text = text;
    }
  }
}

}  // namespace

void write_tables(ByteWriter& out, const LexiconTables& t) {
  out.u64(t.langs.size());
  for (const auto& lang : t.langs) out.text(lang);
  for (const auto& terms : t.terms) {
    const auto keys = sorted_keys(terms);
    out.u64(keys.size());
    for (const auto key : keys) {
      out.text(key);
      out.u32(terms.find(key)->second);
    }
  }
  out.u64(t.links.size());
  for (const ConceptLink& link : t.links) {
    out.u32(link.concept_id);
    out.u32(std::bit_cast<std::uint32_t>(link.weight));
    out.u8(static_cast<std::uint8_t>(link.source));
  }
  out.u64(t.names.size());
  for (const auto name : t.names) out.text(name);
  write_ranges(out, t.member_begin, t.members);
  write_ranges(out, t.surface_begin, t.surfaces);
  for (std::size_t slot = 0; slot < t.langs.size(); ++slot) {
    const auto keys = slot < t.phrase_starts.size() ? sorted_keys(t.phrase_starts[slot])
                                                    : std::vector<std::string_view>{};
    out.u64(keys.size());
    for (const auto key : keys) out.text(key);
  }
  out.u64(t.max_phrase_words);
}

LexiconTables read_tables(ByteReader& in) {
  LexiconTables t;
  const std::uint64_t langs = in.count("lexicon languages", 4);
  if (langs == 0 || langs > 65536) in.fail("lexicon languages", in.position(), "out of range");
  for (std::uint64_t i = 0; i < langs; ++i) t.langs.emplace_back(in.text("lexicon language"));
  t.terms.resize(langs);
  std::vector<std::uint32_t> link_of_term;
  for (auto& terms : t.terms) {
    const std::uint64_t count = in.count("lexicon terms", 4 + 4);
    terms.reserve(count);
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::string_view term = t.pool.add(in.text("lexicon term"));
      link_of_term.push_back(in.u32("lexicon term link"));
      terms.emplace(term, link_of_term.back());
    }
  }
  const std::uint64_t links = in.count("lexicon links", 4 + 4 + 1);
  if (std::any_of(link_of_term.begin(), link_of_term.end(),
                  [&](std::uint32_t l) { return l >= links; })) {
    in.fail("lexicon term link", in.position(), "is out of range");
  }
  t.links.resize(links);
  for (ConceptLink& link : t.links) {
    link.concept_id = in.u32("lexicon link concept");
    link.weight = std::bit_cast<float>(in.u32("lexicon link weight"));
    const std::uint8_t source = in.u8("lexicon link source");
    if (source > static_cast<std::uint8_t>(LinkSource::entity) || !(link.weight > 0.0f) ||
        link.weight > 1.0f) {
      in.fail("lexicon link", in.position(), "has an unknown source or a weight outside (0,1]");
    }
    link.source = static_cast<LinkSource>(source);
  }
  const std::uint64_t names = in.count("lexicon concepts", 4);
  for (std::uint64_t i = 0; i < names; ++i) t.names.push_back(t.pool.add(in.text("concept")));
  if (std::any_of(t.links.begin(), t.links.end(),
                  [&](const ConceptLink& l) { return l.concept_id >= names; })) {
    in.fail("lexicon link concept", in.position(), "is out of range");
  }
  read_ranges(in, t, t.member_begin, t.members, "lexicon members");
  read_ranges(in, t, t.surface_begin, t.surfaces, "lexicon surfaces");
  t.phrase_starts.resize(langs);
  for (auto& starts : t.phrase_starts) {
    const std::uint64_t count = in.count("phrase starts", 4);
    for (std::uint64_t i = 0; i < count; ++i) starts.insert(t.pool.add(in.text("phrase start")));
  }
  t.max_phrase_words = in.u64("max phrase words");
  return t;
}

}  // namespace crossnews::detail
