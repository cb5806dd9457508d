#pragma once
// Terms interned once: each distinct (language, text, kind) gets a TermId.
//
// Words and compound parts belong to one language; entities, numbers and concepts are shared by
// all languages (their language is ""). Words of an unknown language ("") share slot 0 with the
// neutral kinds but stay distinct terms (the kind is part of the key). Term texts live in an arena:
// the string_views returned by text() and lang() stay valid for the vocabulary's lifetime, also
// across moves. Accessors throw InputError for an id or slot the vocabulary never handed out.
// Thread safety: const methods may run concurrently; intern() and lang_slot_of() need exclusive
// access.

#include <crossnews/analyzer.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/strong_id.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace crossnews {

/// Vocabulary-level kind: the analyzer's kinds plus `concept`, a cross-lingual keyword-map entry.
enum class FeatureKind : std::uint8_t { word, entity, number, compound_part, concept_ };

[[nodiscard]] FeatureKind feature_kind(TermKind kind);
[[nodiscard]] bool is_language_neutral(FeatureKind kind);

class Vocabulary {
 public:
  Vocabulary();

  /// Returns the id of (lang, text, kind), adding it when new. `lang` is ignored for neutral kinds.
  TermId intern(std::string_view lang, std::string_view text, FeatureKind kind);
  /// Same, for a language already resolved with lang_slot_of() (saves a lookup per token).
  /// Throws InputError if the slot is not assigned.
  TermId intern_in_slot(LangSlot lang_slot, std::string_view text, FeatureKind kind);
  [[nodiscard]] std::optional<TermId> find(std::string_view lang, std::string_view text,
                                           FeatureKind kind) const;
  /// Same, for a language slot (saves a lookup per token); nullopt for an unassigned slot.
  [[nodiscard]] std::optional<TermId> find_in_slot(LangSlot lang_slot, std::string_view text,
                                                   FeatureKind kind) const;

  [[nodiscard]] std::string_view text(TermId id) const;
  /// "" for language-neutral terms.
  [[nodiscard]] std::string_view lang(TermId id) const;
  [[nodiscard]] FeatureKind kind(TermId id) const;
  /// Small dense index of the term's language (0 = neutral), for per-language tables.
  [[nodiscard]] LangSlot lang_slot(TermId id) const;
  [[nodiscard]] LangSlot lang_slot_of(std::string_view lang);  // adds the language if new
  [[nodiscard]] std::optional<LangSlot> find_lang_slot(std::string_view lang) const;
  [[nodiscard]] std::string_view slot_lang(LangSlot slot) const;
  [[nodiscard]] std::size_t language_count() const;  // including the neutral slot 0

  [[nodiscard]] std::size_t size() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

}  // namespace crossnews
