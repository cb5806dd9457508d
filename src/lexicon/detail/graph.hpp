#pragma once
// The keyword map under construction: interned terms, lexicon rows, weighted term links, pivot
// composition, and the size-capped union-find that turns them into concepts (see lexicon.hpp).

#include <crossnews/lexicon.hpp>

#include "lexicon/detail/text.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crossnews::detail {

/// Language slot of language-neutral tokens (entities).
inline constexpr std::uint16_t kNeutralSlot = 0;

/// The tables of a built Lexicon.
struct LexiconTables {
  struct Member {
    std::uint16_t lang;
    std::string_view term;
  };
  struct Surface {
    std::uint16_t lang;
    std::string_view text;
  };

  StringPool pool;
  std::vector<std::string> langs;  // slot -> code; slot 0 is ""
  std::vector<absl::flat_hash_map<std::string_view, std::uint32_t>> terms;  // per slot -> links
  std::vector<ConceptLink> links;
  std::vector<std::string_view> names;       // per concept
  std::vector<std::uint32_t> member_begin;   // per concept, plus one
  std::vector<Member> members;               // by concept, preferred first per language
  std::vector<std::uint32_t> surface_begin;  // per concept, plus one
  std::vector<Surface> surfaces;             // by concept, preferred first per language
  std::vector<absl::flat_hash_set<std::string_view>> phrase_starts;  // per slot: first words
  std::size_t max_phrase_words = 0;

  [[nodiscard]] std::optional<std::uint16_t> find_slot(std::string_view lang) const;
};

class TermGraph {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  /// Rank offset of a word a lexicon row lists only inside a multi-word form.
  static constexpr std::uint32_t kPhraseRank = 1000;

  TermGraph();

  std::uint16_t lang_slot(std::string_view lang);
  [[nodiscard]] std::optional<std::uint16_t> find_slot(std::string_view lang) const;
  [[nodiscard]] std::string_view lang(std::uint16_t slot) const { return langs_[slot]; }

  /// The term (slot, text), added when new; `surface` is remembered for the first sighting.
  std::uint32_t intern(std::uint16_t slot, std::string_view text, std::string_view surface);
  [[nodiscard]] std::uint16_t slot_of(std::uint32_t term) const { return terms_[term].slot; }
  [[nodiscard]] std::size_t term_count() const { return terms_.size(); }

  /// The row named `name`, added when new: rows with one name are one concept.
  std::uint32_t row(std::string_view name);
  /// `rank` orders the claims of several rows on one term: the row with the lowest rank owns it
  /// (ties: the earlier row). It is the form's position in its cell, plus kPhraseRank for a word
  /// of a multi-word form.
  void add_row_member(std::uint32_t row, std::uint32_t term, std::string_view surface,
                      std::uint32_t rank);
  [[nodiscard]] std::size_t row_count() const { return rows_.size(); }

  /// Starts a new batch of attestations: a link added twice within one batch (one dictionary,
  /// one file) counts once; across batches the weights combine by noisy-or.
  void begin_batch() { ++batch_; }
  /// Adds or strengthens the link a -- b. Returns true when the link is new to this batch.
  bool add_link(std::uint32_t a, std::uint32_t b, float weight, LinkSource source,
                std::uint16_t rank);
  [[nodiscard]] std::size_t link_count() const { return links_.size(); }

  /// See LexiconBuilder::compose_pivot. Returns the pivot links added.
  std::size_t compose_pivot(std::uint16_t pivot_slot, float pivot_weight, float min_weight);

  [[nodiscard]] LexiconTables build(const LexiconOptions& options) const;

  struct RowMember {
    std::uint32_t term;
    std::string_view surface;
    std::uint32_t rank;
  };
  struct Row {
    std::string_view name;
    std::vector<RowMember> members;
  };
  [[nodiscard]] const std::vector<Row>& rows() const { return rows_; }
  [[nodiscard]] std::string_view text_of(std::uint32_t term) const { return terms_[term].text; }
  /// The term (slot, text), or kNone.
  [[nodiscard]] std::uint32_t find(std::uint16_t slot, std::string_view text) const;

 private:
  struct TermRec {
    std::uint16_t slot;
    std::string_view text;
    std::string_view surface;
  };
  struct Link {
    std::uint32_t a;
    std::uint32_t b;
    float weight;
    LinkSource source;
    std::uint16_t rank;
    std::uint32_t batch;
  };
  struct Grouping;
  struct Concepts;
  // The phases of build().
  void group_rows(Grouping& g, const LexiconOptions& options) const;
  void group_links(Grouping& g, const LexiconOptions& options) const;
  Concepts number_concepts(Grouping& g) const;
  std::vector<std::uint32_t> fill_members(const Grouping& g, const Concepts& concepts,
                                          LexiconTables& tables) const;
  void fill_surfaces(const Grouping& g, const Concepts& concepts,
                     const std::vector<std::uint32_t>& members, LexiconTables& tables) const;
  void fill_names(const Concepts& concepts, LexiconTables& tables) const;

  StringPool pool_;
  std::vector<std::string> langs_;
  std::vector<absl::flat_hash_map<std::string_view, std::uint32_t>> term_index_;  // per slot
  std::vector<TermRec> terms_;
  std::vector<Row> rows_;
  absl::flat_hash_map<std::string_view, std::uint32_t> row_index_;
  std::vector<Link> links_;
  absl::flat_hash_map<std::uint64_t, std::uint32_t> link_index_;
  std::uint32_t batch_ = 0;
};

}  // namespace crossnews::detail
