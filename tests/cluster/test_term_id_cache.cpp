#include "cluster/detail/term_id_cache.hpp"

#include <doctest/doctest.h>

#include <string>

using crossnews::FeatureKind;
using crossnews::TermId;
using crossnews::detail::TermIdCache;

TEST_CASE("term id cache: finds what was inserted, by text and kind") {
  TermIdCache cache;
  CHECK_FALSE(cache.find("eugene kaspersky", FeatureKind::entity));
  cache.insert("eugene kaspersky", FeatureKind::entity, TermId(7));
  cache.insert("2018", FeatureKind::number, TermId(9));
  CHECK(cache.find("eugene kaspersky", FeatureKind::entity) == TermId(7));
  CHECK(cache.find("2018", FeatureKind::number) == TermId(9));
  CHECK_FALSE(cache.find("2018", FeatureKind::entity));
  CHECK_FALSE(cache.find("eugene kaspersk", FeatureKind::entity));
  CHECK_FALSE(cache.find("eugene kasperskz", FeatureKind::entity));
  // Texts longer than a slot holds are not kept.
  const std::string long_name(TermIdCache::kMaxBytes + 1, 'x');
  cache.insert(long_name, FeatureKind::entity, TermId(3));
  CHECK_FALSE(cache.find(long_name, FeatureKind::entity));
  const std::string longest(TermIdCache::kMaxBytes, 'x');
  cache.insert(longest, FeatureKind::entity, TermId(4));
  CHECK(cache.find(longest, FeatureKind::entity) == TermId(4));
}

TEST_CASE(
    "term id cache: texts sharing a slot evict each other and are never taken for each other") {
  // One slot: every text collides with every other.
  TermIdCache cache(1);
  cache.insert("nato", FeatureKind::entity, TermId(1));
  CHECK(cache.find("nato", FeatureKind::entity) == TermId(1));
  cache.insert("onu", FeatureKind::entity, TermId(2));
  CHECK_FALSE(cache.find("nato", FeatureKind::entity));
  CHECK(cache.find("onu", FeatureKind::entity) == TermId(2));
  // Same length, same slot, other bytes; and the same text of another kind.
  cache.insert("abc", FeatureKind::entity, TermId(5));
  CHECK_FALSE(cache.find("onu", FeatureKind::entity));
  CHECK_FALSE(cache.find("abd", FeatureKind::entity));
  CHECK_FALSE(cache.find("abc", FeatureKind::number));
  CHECK(cache.find("abc", FeatureKind::entity) == TermId(5));
  // A shorter text in the slot of a longer one: no prefix match.
  cache.insert("ab", FeatureKind::entity, TermId(6));
  CHECK_FALSE(cache.find("abc", FeatureKind::entity));
  CHECK(cache.find("ab", FeatureKind::entity) == TermId(6));
  // Many texts in a larger cache: each found is the id inserted for it.
  TermIdCache many(64);
  for (int i = 0; i < 1000; ++i) {
    many.insert("name " + std::to_string(i), FeatureKind::entity, TermId(i));
  }
  int found = 0, wrong = 0;
  for (int i = 0; i < 1000; ++i) {
    if (const auto id = many.find("name " + std::to_string(i), FeatureKind::entity)) {
      ++found;
      wrong += *id != TermId(i);
    }
  }
  CHECK(wrong == 0);
  CHECK(found > 0);
  CHECK(found <= 64);
}
