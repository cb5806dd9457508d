#include <crossnews/sparse_vector.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

#include <cmath>
#include <random>
#include <vector>

using crossnews::CentroidAccumulator;
using crossnews::SparseEntry;
using crossnews::SparseVector;
using crossnews::TermId;
using crossnews::test::vec;

TEST_CASE("sparse vector: from_unsorted sorts by term and sums repeats") {
  const SparseVector v = vec({{7, 1.0f}, {2, 0.5f}, {7, 2.0f}, {4, 0.25f}});
  REQUIRE(v.size() == 3);
  CHECK(v.entries()[0].term == TermId(2));
  CHECK(v.entries()[1].term == TermId(4));
  CHECK(v.entries()[2].term == TermId(7));
  CHECK(v.weight(TermId(7)) == 3.0f);
  CHECK(v.weight(TermId(5)) == 0.0f);
  CHECK(v.weight(TermId(100)) == 0.0f);
}

TEST_CASE("sparse vector: norm, normalize and the zero vector") {
  SparseVector v = vec({{1, 3.0f}, {2, 4.0f}});
  CHECK(v.norm() == doctest::Approx(5.0));
  v.normalize();
  CHECK(v.weight(TermId(1)) == doctest::Approx(0.6));
  CHECK(v.weight(TermId(2)) == doctest::Approx(0.8));
  CHECK(v.norm() == doctest::Approx(1.0));
  SparseVector zero = vec({{3, 0.0f}});
  zero.normalize();
  CHECK(zero.weight(TermId(3)) == 0.0f);
  SparseVector empty;
  empty.normalize();
  CHECK(empty.empty());
}

TEST_CASE("sparse vector: prune_top_k keeps the heaviest, ties to the smaller term") {
  SparseVector v = vec({{9, 0.5f}, {1, 0.1f}, {5, 0.5f}, {3, 0.9f}, {7, 0.5f}});
  v.prune_top_k(3);
  REQUIRE(v.size() == 3);
  // 0.9 (term 3), then two of the three 0.5s: terms 5 and 7 beat 9. Result stays sorted by term.
  CHECK(v.entries()[0].term == TermId(3));
  CHECK(v.entries()[1].term == TermId(5));
  CHECK(v.entries()[2].term == TermId(7));
  SparseVector all = vec({{1, 1.0f}, {2, 2.0f}});
  all.prune_top_k(0);
  CHECK(all.size() == 2);
  all.prune_top_k(5);
  CHECK(all.size() == 2);
}

TEST_CASE("sparse vector: dot is a merge over shared terms") {
  const SparseVector a = vec({{1, 1.0f}, {3, 2.0f}, {5, 3.0f}});
  const SparseVector b = vec({{0, 7.0f}, {3, 0.5f}, {5, 2.0f}, {9, 1.0f}});
  CHECK(a.dot(b) == 1.0f + 6.0f);
  CHECK(b.dot(a) == 7.0f);
  CHECK(a.dot(SparseVector{}) == 0.0f);
}

TEST_CASE("centroid: the normalised sum of its members") {
  CentroidAccumulator acc;
  acc.add(vec({{1, 1.0f}, {2, 1.0f}}));
  acc.add(vec({{2, 1.0f}, {3, 2.0f}}));
  CHECK(acc.members() == 2);
  // Sum (1, 2, 2) has norm 3.
  const SparseVector c = acc.centroid();
  CHECK(c.weight(TermId(1)) == doctest::Approx(1.0 / 3));
  CHECK(c.weight(TermId(2)) == doctest::Approx(2.0 / 3));
  CHECK(c.weight(TermId(3)) == doctest::Approx(2.0 / 3));
  // Scaled additions weigh a member more.
  CentroidAccumulator scaled;
  scaled.add(vec({{1, 1.0f}}), 3.0f);
  scaled.add(vec({{2, 1.0f}}), 4.0f);
  CHECK(scaled.centroid().weight(TermId(2)) == doctest::Approx(0.8));
}

TEST_CASE("centroid: top_k prunes and re-normalises") {
  CentroidAccumulator acc;
  acc.add(vec({{1, 0.1f}, {2, 3.0f}, {3, 4.0f}}));
  const SparseVector c = acc.centroid(2);
  REQUIRE(c.size() == 2);
  CHECK(c.weight(TermId(1)) == 0.0f);
  CHECK(c.weight(TermId(2)) == doctest::Approx(0.6));
  CHECK(c.weight(TermId(3)) == doctest::Approx(0.8));
}

TEST_CASE("centroid: merging two accumulators equals adding all their members to one") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> term(0, 60);
  std::uniform_real_distribution<float> weight(0.01f, 1.0f);
  std::vector<SparseVector> members;
  for (int i = 0; i < 40; ++i) {
    std::vector<SparseEntry> e;
    for (int j = 0; j < 12; ++j) e.push_back({TermId(term(rng)), weight(rng)});
    SparseVector v = SparseVector::from_unsorted(std::move(e));
    v.normalize();
    members.push_back(std::move(v));
  }
  CentroidAccumulator all;
  for (const auto& m : members) all.add(m);
  // A story of 30 that absorbed one of 7 which had absorbed one of 3.
  CentroidAccumulator big, mid, small;
  for (std::size_t i = 0; i < 30; ++i) big.add(members[i]);
  for (std::size_t i = 30; i < 37; ++i) mid.add(members[i]);
  for (std::size_t i = 37; i < 40; ++i) small.add(members[i]);
  mid.merge(small);
  big.merge(mid);
  CHECK(big.members() == all.members());
  const SparseVector a = all.centroid();
  const SparseVector b = big.centroid();
  CHECK(a.size() == b.size());
  for (const auto& e : a.entries()) CHECK(b.weight(e.term) == doctest::Approx(e.weight));

  // Adding a story's normalised centroid scaled by its size is not the same: the sum of unit
  // vectors is shorter than their count, so the absorbed story would weigh too little.
  CentroidAccumulator by_centroid;
  for (std::size_t i = 0; i < 30; ++i) by_centroid.add(members[i]);
  CentroidAccumulator rest;
  for (std::size_t i = 30; i < 40; ++i) rest.add(members[i]);
  by_centroid.add(rest.centroid(), float(rest.members()));
  CHECK(by_centroid.centroid().dot(a) < 0.99999f);

  CentroidAccumulator empty;
  empty.merge(all);
  CHECK(empty.centroid().dot(a) == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("centroid: the mean's norm is 1 for copies and falls as members differ") {
  CentroidAccumulator copies, apart, none;
  for (int i = 0; i < 4; ++i) copies.add(vec({{1, 0.6f}, {2, 0.8f}}));
  CHECK(copies.mean_norm() == doctest::Approx(1.0));
  // Two orthogonal unit vectors: mean (0.5, 0.5), norm sqrt(0.5); its square is the average of
  // the pairwise dot products, self-pairs included (1, 0, 0, 1).
  apart.add(vec({{1, 1.0f}}));
  apart.add(vec({{2, 1.0f}}));
  CHECK(apart.mean_norm() == doctest::Approx(std::sqrt(0.5)));
  CHECK(none.mean_norm() == 0.0);
}
