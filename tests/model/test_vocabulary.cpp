#include <crossnews/error.hpp>
#include <crossnews/vocabulary.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using crossnews::FeatureKind;
using crossnews::LangSlot;
using crossnews::TermId;
using crossnews::Vocabulary;

// Language slots are LangSlots at the API: a bare integer or another kind of id does not compile.
template <class Slot>
concept slot_argument = requires(Vocabulary& v, Slot slot) {
  v.slot_lang(slot);
  v.intern_in_slot(slot, "", FeatureKind::word);
};
static_assert(slot_argument<LangSlot>);
static_assert(!slot_argument<std::uint16_t>);
static_assert(!slot_argument<TermId>);

TEST_CASE("vocabulary: interning returns one id per (language, text, kind)") {
  Vocabulary v;
  const TermId haus_de = v.intern("de", "haus", FeatureKind::word);
  CHECK(v.intern("de", "haus", FeatureKind::word) == haus_de);
  // The same letters in another language, or as another kind, are other terms.
  const TermId haus_it = v.intern("it", "haus", FeatureKind::word);
  const TermId haus_part = v.intern("de", "haus", FeatureKind::compound_part);
  CHECK(haus_it != haus_de);
  CHECK(haus_part != haus_de);
  CHECK(v.size() == 3);
  CHECK(v.text(haus_it) == "haus");
  CHECK(v.lang(haus_it) == "it");
  CHECK(v.kind(haus_part) == FeatureKind::compound_part);
}

TEST_CASE("vocabulary: entities, numbers and concepts are shared by all languages") {
  Vocabulary v;
  const TermId de = v.intern("de", "kaspersky", FeatureKind::entity);
  const TermId it = v.intern("it", "kaspersky", FeatureKind::entity);
  CHECK(de == it);
  CHECK(v.lang(de).empty());
  CHECK(v.lang_slot(de) == LangSlot{0});
  CHECK(v.intern("en", "2018", FeatureKind::number) == v.intern("fr", "2018", FeatureKind::number));
  CHECK(v.intern("de", "ban", FeatureKind::concept_) == v.intern("", "ban", FeatureKind::concept_));
  // Neutral terms need no language to be found, and registering them adds no language.
  CHECK(v.find("es", "kaspersky", FeatureKind::entity) == de);
  CHECK(v.language_count() == 1);
}

TEST_CASE("vocabulary: an unknown-language word shares slot 0 but not the entity's id") {
  Vocabulary v;
  const TermId word = v.intern("", "twitter", FeatureKind::word);
  const TermId entity = v.intern("", "twitter", FeatureKind::entity);
  CHECK(word != entity);
  CHECK(v.lang_slot(word) == LangSlot{0});
  CHECK(v.find("", "twitter", FeatureKind::word) == word);
}

TEST_CASE("vocabulary: language slots are assigned on first use, slot 0 is neutral") {
  Vocabulary v;
  CHECK(v.language_count() == 1);
  CHECK(v.slot_lang(LangSlot{0}).empty());
  CHECK(v.find_lang_slot("it") == std::nullopt);
  CHECK(v.find_lang_slot("") == LangSlot{0});
  const auto it = v.lang_slot_of("it");
  const auto de = v.lang_slot_of("de");
  CHECK(it == LangSlot{1});
  CHECK(de == LangSlot{2});
  CHECK(v.lang_slot_of("it") == LangSlot{1});
  CHECK(v.slot_lang(de) == "de");
  CHECK(v.language_count() == 3);
  const TermId pubblicita = v.intern("it", "pubblicit", FeatureKind::word);
  CHECK(v.lang_slot(pubblicita) == it);
  CHECK(v.intern_in_slot(it, "pubblicit", FeatureKind::word) == pubblicita);
}

TEST_CASE("vocabulary: find does not add") {
  Vocabulary v;
  CHECK(v.find("de", "verbot", FeatureKind::word) == std::nullopt);
  CHECK(v.language_count() == 1);  // looking up "de" did not register it
  v.intern("de", "verbot", FeatureKind::word);
  CHECK(v.find("de", "verbot", FeatureKind::word).has_value());
  CHECK(v.find("de", "verbot", FeatureKind::entity) == std::nullopt);
  CHECK(v.find("it", "verbot", FeatureKind::word) == std::nullopt);
  CHECK(v.size() == 1);
}

TEST_CASE("vocabulary: find_in_slot looks up by slot, neutral kinds in slot 0") {
  Vocabulary v;
  const auto de = v.lang_slot_of("de");
  const auto it = v.lang_slot_of("it");
  const TermId word = v.intern_in_slot(de, "verbot", FeatureKind::word);
  const TermId name = v.intern_in_slot(de, "kaspersky", FeatureKind::entity);
  CHECK(v.find_in_slot(de, "verbot", FeatureKind::word) == word);
  CHECK(v.find_in_slot(it, "verbot", FeatureKind::word) == std::nullopt);
  CHECK(v.find_in_slot(it, "kaspersky", FeatureKind::entity) == name);
  CHECK(v.find_in_slot(LangSlot{99}, "verbot", FeatureKind::word) ==
        std::nullopt);  // unassigned slot
  CHECK(v.size() == 2);
}

TEST_CASE("vocabulary: texts stay valid while the arena grows and across moves") {
  Vocabulary v;
  const TermId first = v.intern("de", "werbung", FeatureKind::word);
  const std::string_view first_text = v.text(first);
  const std::string_view first_lang = v.lang(first);
  const std::string giant(100000, 'x');  // larger than an arena chunk
  const TermId big = v.intern("de", giant, FeatureKind::word);
  std::vector<std::string> words;
  for (int i = 0; i < 20000; ++i) words.push_back("wort" + std::to_string(i));
  for (const auto& w : words) v.intern("de", w, FeatureKind::word);
  for (int i = 0; i < 200; ++i) (void)v.lang_slot_of("x" + std::to_string(i));
  CHECK(first_text == "werbung");
  CHECK(first_lang == "de");
  CHECK(v.text(big) == giant);

  Vocabulary moved = std::move(v);
  CHECK(first_text == "werbung");
  CHECK(moved.find("de", "wort19999", FeatureKind::word).has_value());
  CHECK(moved.text(*moved.find("de", "wort123", FeatureKind::word)) == "wort123");
  CHECK(moved.size() == 20002);
}

TEST_CASE("vocabulary: ids and slots it never handed out are rejected") {
  Vocabulary v;
  v.intern("de", "a", FeatureKind::word);
  CHECK_THROWS_AS((void)v.text(TermId(5)), crossnews::InputError);
  CHECK_THROWS_AS((void)v.kind(TermId(1)), crossnews::InputError);
  CHECK_THROWS_AS((void)v.slot_lang(LangSlot{7}), crossnews::InputError);
  CHECK_THROWS_AS(v.intern_in_slot(LangSlot{9}, "b", FeatureKind::word), crossnews::InputError);
}

TEST_CASE("vocabulary: analyzer kinds map onto feature kinds") {
  using crossnews::TermKind;
  CHECK(crossnews::feature_kind(TermKind::word) == FeatureKind::word);
  CHECK(crossnews::feature_kind(TermKind::entity) == FeatureKind::entity);
  CHECK(crossnews::feature_kind(TermKind::number) == FeatureKind::number);
  CHECK(crossnews::feature_kind(TermKind::compound_part) == FeatureKind::compound_part);
  CHECK(crossnews::is_language_neutral(FeatureKind::entity));
  CHECK(crossnews::is_language_neutral(FeatureKind::number));
  CHECK(crossnews::is_language_neutral(FeatureKind::concept_));
  CHECK_FALSE(crossnews::is_language_neutral(FeatureKind::word));
  CHECK_FALSE(crossnews::is_language_neutral(FeatureKind::compound_part));
}
