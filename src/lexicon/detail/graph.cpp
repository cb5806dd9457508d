#include "lexicon/detail/graph.hpp"

#include "lexicon/detail/capped_union_find.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crossnews::detail {
namespace {

std::uint64_t link_key(std::uint32_t a, std::uint32_t b) {
  return (static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b);
}

}  // namespace

std::optional<std::uint16_t> LexiconTables::find_slot(std::string_view lang) const {
  for (std::size_t slot = 0; slot < langs.size(); ++slot) {
    if (langs[slot] == lang) return static_cast<std::uint16_t>(slot);
  }
  return std::nullopt;
}

TermGraph::TermGraph() {
  langs_.emplace_back();
  term_index_.emplace_back();
}

std::uint16_t TermGraph::lang_slot(std::string_view lang) {
  for (std::size_t slot = 0; slot < langs_.size(); ++slot) {
    if (langs_[slot] == lang) return static_cast<std::uint16_t>(slot);
  }
  langs_.emplace_back(lang);
  term_index_.emplace_back();
  return static_cast<std::uint16_t>(langs_.size() - 1);
}

std::uint32_t TermGraph::intern(std::uint16_t slot, std::string_view text,
                                std::string_view surface) {
  auto& index = term_index_[slot];
  if (auto it = index.find(text); it != index.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(terms_.size());
  const std::string_view stored = pool_.add(text);
  terms_.push_back({slot, stored, surface == text ? stored : pool_.add(surface)});
  index.emplace(stored, id);
  return id;
}

std::uint32_t TermGraph::row(std::string_view name) {
  if (auto it = row_index_.find(name); it != row_index_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(rows_.size());
  const std::string_view stored = pool_.add(name);
  rows_.push_back({stored, {}});
  row_index_.emplace(stored, id);
  return id;
}

std::optional<std::uint16_t> TermGraph::find_slot(std::string_view lang) const {
  const auto it = std::find(langs_.begin(), langs_.end(), lang);
  if (it == langs_.end()) return std::nullopt;
  return static_cast<std::uint16_t>(it - langs_.begin());
}

std::uint32_t TermGraph::find(std::uint16_t slot, std::string_view text) const {
  if (slot >= term_index_.size()) return kNone;
  const auto it = term_index_[slot].find(text);
  return it == term_index_[slot].end() ? kNone : it->second;
}

void TermGraph::add_row_member(std::uint32_t row, std::uint32_t term, std::string_view surface,
                               std::uint32_t rank) {
  auto& members = rows_[row].members;
  const auto known = std::find_if(members.begin(), members.end(), [&](const RowMember& m) {
    return m.term == term && m.surface == surface;
  });
  if (known == members.end()) {
    members.push_back({term, pool_.add(surface), rank});
  } else {
    known->rank = std::min(known->rank, rank);
  }
}

bool TermGraph::add_link(std::uint32_t a, std::uint32_t b, float weight, LinkSource source,
                         std::uint16_t rank) {
  if (a == b) return false;
  const std::uint64_t key = link_key(a, b);
  auto [it, inserted] = link_index_.try_emplace(key, static_cast<std::uint32_t>(links_.size()));
  if (inserted) {
    links_.push_back({std::min(a, b), std::max(a, b), weight, source, rank, batch_});
    return true;
  }
  Link& link = links_[it->second];
  const bool new_is_pivot = source == LinkSource::pivot;
  const bool old_is_pivot = link.source == LinkSource::pivot;
  if (new_is_pivot || old_is_pivot) {
    // Pivot links are derived from direct ones: they never add to them, and a direct link
    // replaces a pivot guess.
    if (new_is_pivot && old_is_pivot) {
      link.weight = std::max(link.weight, weight);
    } else if (old_is_pivot) {
      link = {link.a, link.b, weight, source, rank, batch_};
      return true;
    }
    return false;
  }
  link.rank = std::min(link.rank, rank);
  if (link.batch == batch_) {
    if (weight > link.weight) {
      link.weight = weight;
      link.source = source;
    }
    return false;
  }
  if (weight > link.weight) link.source = source;
  link.weight = 1.0f - (1.0f - link.weight) * (1.0f - weight);
  link.batch = batch_;
  return true;
}

std::size_t TermGraph::compose_pivot(std::uint16_t pivot_slot, float pivot_weight,
                                     float min_weight) {
  struct Leg {
    std::uint32_t pivot;
    std::uint32_t other;
    float weight;
  };
  std::vector<Leg> legs;
  std::vector<std::uint32_t> pivot_degree(terms_.size(), 0);  // pivot-language links per term
  for (const Link& link : links_) {
    if (link.source == LinkSource::pivot || link.source == LinkSource::learned) continue;
    const std::uint16_t slot_a = terms_[link.a].slot;
    const std::uint16_t slot_b = terms_[link.b].slot;
    if ((slot_a == pivot_slot) == (slot_b == pivot_slot)) continue;
    const std::uint32_t pivot = slot_a == pivot_slot ? link.a : link.b;
    const std::uint32_t other = slot_a == pivot_slot ? link.b : link.a;
    if (terms_[other].slot == kNeutralSlot) continue;
    legs.push_back({pivot, other, link.weight});
    ++pivot_degree[other];
  }
  std::sort(legs.begin(), legs.end(), [&](const Leg& x, const Leg& y) {
    if (x.pivot != y.pivot) return x.pivot < y.pivot;
    if (terms_[x.other].slot != terms_[y.other].slot) {
      return terms_[x.other].slot < terms_[y.other].slot;
    }
    return x.other < y.other;
  });

  absl::flat_hash_map<std::uint64_t, float> composed;
  std::vector<std::uint32_t> slot_degree(langs_.size(), 0);  // links of the pivot term per language
  for (std::size_t begin = 0; begin < legs.size();) {
    std::size_t end = begin;
    while (end < legs.size() && legs[end].pivot == legs[begin].pivot) ++end;
    std::fill(slot_degree.begin(), slot_degree.end(), 0);
    for (std::size_t i = begin; i < end; ++i) ++slot_degree[terms_[legs[i].other].slot];
    for (std::size_t i = begin; i < end; ++i) {
      const std::uint32_t a = legs[i].other;
      const std::uint16_t slot_a = terms_[a].slot;
      for (std::size_t j = i + 1; j < end; ++j) {
        const std::uint32_t b = legs[j].other;
        const std::uint16_t slot_b = terms_[b].slot;
        if (slot_b == slot_a) continue;
        const float legs_product = legs[i].weight * legs[j].weight * pivot_weight;
        const float forward = legs_product / std::sqrt(static_cast<float>(pivot_degree[a]) *
                                                       static_cast<float>(slot_degree[slot_b]));
        const float backward = legs_product / std::sqrt(static_cast<float>(pivot_degree[b]) *
                                                        static_cast<float>(slot_degree[slot_a]));
        const float weight = std::max(forward, backward);
        if (weight < min_weight) continue;
        auto [it, inserted] = composed.try_emplace(link_key(a, b), weight);
        if (!inserted) it->second = std::max(it->second, weight);
      }
    }
    begin = end;
  }

  // Insert in key order, so that the result does not depend on hash-map iteration order.
  std::vector<std::pair<std::uint64_t, float>> ordered(composed.begin(), composed.end());
  std::sort(ordered.begin(), ordered.end());
  std::size_t added = 0;
  for (const auto& [key, weight] : ordered) {
    const auto a = static_cast<std::uint32_t>(key >> 32);
    const auto b = static_cast<std::uint32_t>(key & 0xFFFFFFFFu);
    const std::size_t before = links_.size();
    add_link(a, b, weight, LinkSource::pivot, 0);
    if (links_.size() > before) ++added;
  }
  return added;
}

// What build() knows about each term while it groups them.
struct TermGraph::Grouping {
  Grouping(const std::vector<TermRec>& terms, std::size_t max_per_language)
      : slots(slots_of(terms)),
        groups(terms.size(), slots),
        weight(terms.size(), 0.0f),
        source(terms.size(), LinkSource::lexicon),
        row_of(terms.size(), kNone),
        cap(max_per_language) {}

  static std::vector<std::uint16_t> slots_of(const std::vector<TermRec>& terms) {
    std::vector<std::uint16_t> slots(terms.size());
    for (std::size_t t = 0; t < terms.size(); ++t) slots[t] = terms[t].slot;
    return slots;
  }

  std::vector<std::uint16_t> slots;
  CappedUnionFind groups;
  std::vector<float> weight;  // 0 = not attached to any group yet
  std::vector<LinkSource> source;
  std::vector<std::uint32_t> row_of;
  std::size_t cap;
};

// The concepts: groups of two terms or more, numbered.
struct TermGraph::Concepts {
  std::vector<std::uint32_t> of;   // by term, or kNone
  std::vector<std::uint32_t> row;  // by concept: the row naming it, or kNone
  std::uint32_t count = 0;
};

LexiconTables TermGraph::build(const LexiconOptions& options) const {
  Grouping g(terms_, options.max_terms_per_language);
  group_rows(g, options);
  group_links(g, options);
  const Concepts concepts = number_concepts(g);

  LexiconTables tables;
  tables.langs = langs_;
  tables.terms.resize(langs_.size());
  const std::vector<std::uint32_t> members = fill_members(g, concepts, tables);
  fill_surfaces(g, concepts, members, tables);
  fill_names(concepts, tables);
  return tables;
}

// 1. Lexicon rows. A term several rows list belongs to the row that ranks it best (lists it as
//    a form of its own, and earliest); each row's own terms join unconditionally. Then a row
//    merges with another row whose single-word forms it repeats in enough languages, within
//    the cap. One shared stem is often a stemming accident (it "lite" and "litio" are both
//    "lit"), and words of multi-word forms never count ("droit de veto" is not "droite").
void TermGraph::group_rows(Grouping& g, const LexiconOptions& options) const {
  const std::size_t n = terms_.size();
  const std::vector<std::uint16_t>& slots = g.slots;
  CappedUnionFind& groups = g.groups;
  std::vector<float>& weight = g.weight;
  std::vector<std::uint32_t>& row_of = g.row_of;
  std::vector<std::uint32_t> best_rank(n, kNone);
  for (std::uint32_t r = 0; r < rows_.size(); ++r) {
    for (const RowMember& member : rows_[r].members) {
      if (member.rank < best_rank[member.term]) {
        best_rank[member.term] = member.rank;
        row_of[member.term] = r;
      }
    }
  }
  std::vector<std::uint32_t> row_group(rows_.size(), kNone);
  for (std::uint32_t r = 0; r < rows_.size(); ++r) {
    for (const RowMember& member : rows_[r].members) {
      const std::uint32_t t = member.term;
      if (row_of[t] != r || weight[t] > 0.0f) continue;
      weight[t] = options.lexicon_weight;
      g.source[t] = slots[t] == kNeutralSlot ? LinkSource::entity : LinkSource::lexicon;
      row_group[r] = row_group[r] == kNone
                         ? groups.find(t)
                         : groups.unite(groups.find(row_group[r]), groups.find(t));
    }
  }
  std::vector<std::pair<std::uint32_t, std::uint16_t>> shared;  // (owner group, language)
  for (std::uint32_t r = 0; r < rows_.size(); ++r) {
    if (row_group[r] == kNone) continue;
    shared.clear();
    for (const RowMember& member : rows_[r].members) {
      const std::uint32_t t = member.term;
      if (row_of[t] == r || member.rank >= kPhraseRank || slots[t] == kNeutralSlot) continue;
      shared.emplace_back(groups.find(t), slots[t]);
    }
    std::sort(shared.begin(), shared.end());
    shared.erase(std::unique(shared.begin(), shared.end()), shared.end());
    for (std::size_t i = 0; i < shared.size();) {
      std::size_t j = i;
      while (j < shared.size() && shared[j].first == shared[i].first) ++j;
      const std::uint32_t group = groups.find(row_group[r]);
      const std::uint32_t other = groups.find(shared[i].first);
      if (j - i >= options.row_merge_languages && group != other &&
          groups.fits(group, other, g.cap)) {
        groups.unite(group, other);
      }
      i = j;
    }
  }
}

// 2. Links, strongest first; among equals a dictionary's first translations first. A link
//    never joins two groups that both hold lexicon rows: the curated concepts stay apart, and
//    links only add terms to them or form concepts of their own.
void TermGraph::group_links(Grouping& g, const LexiconOptions& options) const {
  const std::size_t n = terms_.size();
  CappedUnionFind& groups = g.groups;
  std::vector<float>& weight = g.weight;
  std::vector<char> curated(n, 0);  // by root
  for (std::uint32_t t = 0; t < n; ++t) {
    if (weight[t] > 0.0f) curated[groups.find(t)] = 1;
  }
  std::vector<std::uint32_t> order;
  order.reserve(links_.size());
  for (std::uint32_t i = 0; i < links_.size(); ++i) {
    if (links_[i].weight >= options.min_link_weight) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (links_[x].weight != links_[y].weight) return links_[x].weight > links_[y].weight;
    return links_[x].rank < links_[y].rank;
  });
  for (const std::uint32_t i : order) {
    const Link& link = links_[i];
    const std::uint32_t root_a = groups.find(link.a);
    const std::uint32_t root_b = groups.find(link.b);
    if (root_a == root_b || (curated[root_a] && curated[root_b]) ||
        !groups.fits(root_a, root_b, g.cap)) {
      continue;
    }
    curated[groups.unite(root_a, root_b)] = curated[root_a] || curated[root_b];
    for (const std::uint32_t t : {link.a, link.b}) {
      if (weight[t] == 0.0f) {
        weight[t] = std::min(link.weight, 1.0f);
        g.source[t] = link.source;
      }
    }
  }
}

// 3. Concept ids: named rows first in row order, then the other groups by their first term.
TermGraph::Concepts TermGraph::number_concepts(Grouping& g) const {
  const std::size_t n = terms_.size();
  CappedUnionFind& groups = g.groups;
  std::vector<std::uint32_t> concept_of_root(n, kNone);
  Concepts concepts;
  for (std::uint32_t r = 0; r < rows_.size(); ++r) {
    // A row names the group of its own first term; one that only repeats terms of earlier rows
    // names nothing.
    const auto own = std::find_if(rows_[r].members.begin(), rows_[r].members.end(),
                                  [&](const RowMember& m) { return g.row_of[m.term] == r; });
    if (own == rows_[r].members.end()) continue;
    const std::uint32_t root = groups.find(own->term);
    if (concept_of_root[root] == kNone && groups.size(root) >= 2) {
      concept_of_root[root] = concepts.count++;
      concepts.row.push_back(r);
    }
  }
  for (std::uint32_t t = 0; t < n; ++t) {
    const std::uint32_t root = groups.find(t);
    if (concept_of_root[root] == kNone && groups.size(root) >= 2) {
      concept_of_root[root] = concepts.count++;
      concepts.row.push_back(kNone);
    }
  }
  concepts.of.assign(n, kNone);
  for (std::uint32_t t = 0; t < n; ++t) concepts.of[t] = concept_of_root[groups.find(t)];
  return concepts;
}

// Members by concept; within a concept by language, then strongest first. Returns the members'
// terms in that order.
std::vector<std::uint32_t> TermGraph::fill_members(const Grouping& g, const Concepts& concepts,
                                                   LexiconTables& tables) const {
  const std::size_t n = terms_.size();
  const std::vector<std::uint16_t>& slots = g.slots;
  const std::vector<float>& weight = g.weight;
  const std::vector<std::uint32_t>& concept_of = concepts.of;
  std::vector<std::uint32_t> members;
  for (std::uint32_t t = 0; t < n; ++t) {
    if (concept_of[t] != kNone) members.push_back(t);
  }
  std::stable_sort(members.begin(), members.end(), [&](std::uint32_t x, std::uint32_t y) {
    if (concept_of[x] != concept_of[y]) return concept_of[x] < concept_of[y];
    if (slots[x] != slots[y]) return slots[x] < slots[y];
    return weight[x] > weight[y];
  });
  tables.links.reserve(members.size());
  tables.member_begin.assign(concepts.count + 1, 0);
  for (const std::uint32_t t : members) {
    const std::string_view text = tables.pool.add(terms_[t].text);
    tables.terms[slots[t]].emplace(text, static_cast<std::uint32_t>(tables.links.size()));
    tables.links.push_back({concept_of[t], weight[t], g.source[t]});
    tables.members.push_back({slots[t], text});
    ++tables.member_begin[concept_of[t] + 1];
  }
  std::partial_sum(tables.member_begin.begin(), tables.member_begin.end(),
                   tables.member_begin.begin());
  return members;
}

// Surface forms: those the lexicon rows list, in row order, then each member's first sighting.
void TermGraph::fill_surfaces(const Grouping& g, const Concepts& concepts,
                              const std::vector<std::uint32_t>& members,
                              LexiconTables& tables) const {
  const std::vector<std::uint16_t>& slots = g.slots;
  const std::vector<std::uint32_t>& concept_of = concepts.of;
  std::vector<std::vector<LexiconTables::Surface>> surfaces(concepts.count);
  const auto add_surface = [&](std::uint32_t concept_id, std::uint16_t slot,
                               std::string_view text) {
    auto& list = surfaces[concept_id];
    const bool known = std::any_of(list.begin(), list.end(),
                                   [&](const auto& s) { return s.lang == slot && s.text == text; });
    if (!known) list.push_back({slot, text});
  };
  for (const Row& row : rows_) {
    for (const RowMember& member : row.members) {
      if (concept_of[member.term] != kNone) {
        add_surface(concept_of[member.term], slots[member.term], member.surface);
      }
    }
  }
  for (const std::uint32_t t : members) add_surface(concept_of[t], slots[t], terms_[t].surface);
  tables.surface_begin.assign(concepts.count + 1, 0);
  for (std::uint32_t c = 0; c < concepts.count; ++c) {
    for (const auto& surface : surfaces[c]) {
      tables.surfaces.push_back({surface.lang, tables.pool.add(surface.text)});
    }
    tables.surface_begin[c + 1] = static_cast<std::uint32_t>(tables.surfaces.size());
  }
}

// Names: the row's, or "lang:term" of the preferred member of each language, by code.
void TermGraph::fill_names(const Concepts& concepts, LexiconTables& tables) const {
  const std::vector<std::uint32_t>& concept_row = concepts.row;
  tables.names.reserve(concepts.count);
  std::vector<std::uint16_t> slot_order(langs_.size());
  std::iota(slot_order.begin(), slot_order.end(), std::uint16_t{0});
  std::sort(slot_order.begin(), slot_order.end(),
            [&](std::uint16_t x, std::uint16_t y) { return langs_[x] < langs_[y]; });
  std::string name;
  for (std::uint32_t c = 0; c < concepts.count; ++c) {
    if (concept_row[c] != kNone) {
      tables.names.push_back(tables.pool.add(rows_[concept_row[c]].name));
      continue;
    }
    name.clear();
    for (const std::uint16_t slot : slot_order) {
      for (std::uint32_t m = tables.member_begin[c]; m < tables.member_begin[c + 1]; ++m) {
        if (tables.members[m].lang != slot) continue;
        if (!name.empty()) name += '|';
        name.append(langs_[slot]).append(":").append(tables.members[m].term);
        break;
      }
    }
    tables.names.push_back(tables.pool.add(name));
  }
}

}  // namespace crossnews::detail
