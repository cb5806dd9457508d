#include "cluster/detail/featurizer_state.hpp"

#include <crossnews/error.hpp>

#include "cluster/detail/state_io.hpp"
#include "model/detail/snapshot.hpp"

#include <sstream>

namespace crossnews::detail {

template <class Io, class F>
  requires std::same_as<std::remove_const_t<F>, FormSlots>
void fields(Io& io, F& f) {
  io(f.offset, f.length, f.count, f.used);
}
template <class Io, class E>
  requires std::same_as<std::remove_const_t<E>, FormTable::Entry>
void fields(Io& io, E& e) {
  io(e.forms, e.lang_slot, e.next);
}

namespace {

// The tables the keyword map determines for the vocabulary: equal digests, equal projections.
std::uint32_t keyword_map_digest(const FeaturizerMembers& m) {
  std::string bytes;
  StateWriter w(bytes);
  w(m.projection, m.link_weight, m.flags);
  return crc32_of(bytes);
}

void write_vocabulary(StateWriter& out, const Vocabulary& v) {
  out(static_cast<std::uint64_t>(v.language_count()));
  for (std::size_t s = 0; s < v.language_count(); ++s) {
    out(v.slot_lang(LangSlot{static_cast<std::uint16_t>(s)}));
  }
  out(static_cast<std::uint64_t>(v.size()));
  for (std::uint32_t id = 0; id < v.size(); ++id) {
    const TermId t(id);
    out(static_cast<std::uint8_t>(v.kind(t)), v.lang_slot(t), v.text(t));
  }
}

// Interns the terms in their saved order, so each gets the id it had.
void read_vocabulary(StateReader& in, Vocabulary& v) {
  std::uint64_t languages = 0;
  in(languages);
  for (std::uint64_t s = 0; s < languages; ++s) {
    std::string lang;
    in(lang);
    if (v.lang_slot_of(lang).value() != s) in.fail("languages", "repeat a language");
  }
  std::uint64_t terms = 0;
  in(terms);
  if (terms > in.remaining()) in.fail("terms", "count exceeds the bytes left");
  for (std::uint64_t id = 0; id < terms; ++id) {
    std::uint8_t kind = 0;
    LangSlot slot;
    std::string text;
    in(kind, slot, text);
    if (kind > static_cast<std::uint8_t>(FeatureKind::concept_)) in.fail("term kind", "is unknown");
    in.check_index(slot.value(), languages, "term language");
    if (v.intern_in_slot(slot, text, static_cast<FeatureKind>(kind)).value() != id) {
      in.fail("terms", "repeat a term");
    }
  }
}

// Every document's id, then the features of those not released, each after its number, and
// those streamed with what weighs them again (Featurizer::weighed_again).
void write_documents(StateWriter& out, const FeaturizerMembers& m) {
  out(static_cast<std::uint64_t>(m.ids.size()));  // a count, as vectors begin
  for (std::size_t doc = 0; doc < m.ids.size(); ++doc) out(m.ids[doc]);
  std::uint64_t held = 0;
  for (const auto slot : m.slot_of_doc) held += slot != kReleasedDoc ? 1 : 0;
  out(held);
  for (std::size_t doc = 0; doc < m.slot_of_doc.size(); ++doc) {
    const auto slot = m.slot_of_doc[doc];
    if (slot == kReleasedDoc) continue;
    out(static_cast<std::uint32_t>(doc), m.docs[slot]);
    out(slot < m.streamed_factors.size() ? m.streamed_factors[slot] : std::vector<float>());
  }
}

// The documents in the order written: held ones get slots in document order.
void read_documents(StateReader& in, const FeaturizerMembers& m) {
  const std::uint64_t ids = in.count("document ids", 1);
  for (std::uint64_t doc = 0; doc < ids; ++doc) {
    std::string id;
    in(id);
    m.ids.add(id);
  }
  m.slot_of_doc.assign(m.ids.size(), kReleasedDoc);
  const std::uint64_t held = in.count("documents", 2);
  for (std::uint64_t i = 0; i < held; ++i) {
    std::uint32_t doc = 0;
    in(doc);
    in.check_index(doc, m.slot_of_doc.size(), "document");
    if (m.slot_of_doc[doc] != kReleasedDoc) in.fail("documents", "repeat a document");
    m.slot_of_doc[doc] = static_cast<std::uint32_t>(m.docs.size());
    in(m.docs.emplace_back());
    in(m.streamed_factors.emplace_back());
  }
}

void read_document_frequencies(StateReader& in, DocumentFrequencies& df) {
  std::string snapshot;
  in(snapshot);
  std::istringstream stream(snapshot);
  df.load(stream);
  if (stream.peek() != std::char_traits<char>::eof()) {
    in.fail("document frequencies", "have trailing bytes");
  }
}

// What the rest of the featurizer takes for granted of its members.
void check_members(StateReader& in, const FeaturizerMembers& m) {
  const std::size_t terms = m.vocabulary.size(), languages = m.vocabulary.language_count();
  for (std::size_t slot = 0; slot < m.docs.size(); ++slot) {
    const DocFeatures& d = m.docs[slot];
    const auto factors = m.streamed_factors[slot].size();
    if (factors != 0 && factors != d.vector.size()) {
      in.fail("document factors", "do not match its vector");
    }
    in.check_index(d.lang_slot.value(), languages, "document language");
    if (d.forms.size() != d.vector.size()) in.fail("document forms", "do not match its vector");
    for (const auto& e : d.vector.entries()) in.check_index(e.term.value(), terms, "document term");
    for (const auto f : d.forms) in.check_index(f, Featurizer::kNoForm + 1, "document form");
  }
  if (m.articles.size() != (m.options.keep_articles ? m.ids.size() : 0)) {
    in.fail("documents", "ids and kept articles differ in number");
  }
  if (m.tokens_per_slot.size() != m.mapped_per_slot.size() ||
      m.tokens_per_slot.size() > languages) {
    in.fail("coverage", "does not match the languages");
  }
  const auto entry_or_none = [&](std::uint32_t e, std::string_view field) {
    if (e != FormTable::kNoEntry) in.check_index(e, m.forms.entries.size(), field);
  };
  if (m.forms.first.size() > terms) in.fail("surface forms", "cover more terms than exist");
  for (const auto e : m.forms.first) entry_or_none(e, "surface form entry");
  for (const auto& e : m.forms.entries) {
    entry_or_none(e.next, "surface form entry");
    in.check_index(e.lang_slot, languages, "surface form language");
    if (e.forms.used > kFormSlots) in.fail("surface forms", "use too many slots");
    for (std::size_t i = 0; i < e.forms.used; ++i) {
      if (std::size_t{e.forms.offset[i]} + e.forms.length[i] > m.forms.arena.size()) {
        in.fail("surface form", "lies outside the text arena");
      }
    }
  }
}

}  // namespace

void FeaturizerState::write(StateWriter& out, const Featurizer& featurizer) {
  const FeaturizerMembers m = featurizer.members();
  write_vocabulary(out, m.vocabulary);
  std::ostringstream df;
  m.df.save(df);
  out(df.view());
  out(m.forms.first, m.forms.entries, m.forms.arena);
  write_documents(out, m);
  out(m.articles, m.tokens_per_slot, m.mapped_per_slot, keyword_map_digest(m));
}

void FeaturizerState::read(StateReader& in, Featurizer& featurizer) {
  const FeaturizerMembers m = featurizer.members();
  if (m.vocabulary.size() != 0 || m.ids.size() != 0) {
    throw ConfigError("a stream state loads into a featurizer that has seen no article");
  }
  read_vocabulary(in, m.vocabulary);
  read_document_frequencies(in, m.df);
  std::uint32_t digest = 0;
  in(m.forms.first, m.forms.entries, m.forms.arena);
  read_documents(in, m);
  in(m.articles, m.tokens_per_slot, m.mapped_per_slot, digest);
  check_members(in, m);
  const std::size_t terms = m.vocabulary.size();
  featurizer.rebuild_after_load();
  if (m.vocabulary.size() != terms || keyword_map_digest(m) != digest) {
    throw ConfigError(
        "the stream state was made with another keyword map: its words map to other concepts in "
        "this one");
  }
}

void StateWriter::special(const Featurizer& f) { FeaturizerState::write(*this, f); }
void StateReader::special(Featurizer& f) { FeaturizerState::read(*this, f); }

}  // namespace crossnews::detail
