#include <crossnews/sparse_vector.hpp>

#include <crossnews/error.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

namespace crossnews {

namespace {

bool by_term(const SparseEntry& a, const SparseEntry& b) { return a.term < b.term; }

// Heavier first, then smaller term: a strict total order, so pruning is deterministic.
bool heavier(const SparseEntry& a, const SparseEntry& b) {
  return a.weight != b.weight ? a.weight > b.weight : a.term < b.term;
}

double squared_norm(std::span<const SparseEntry> entries) {
  double sum = 0.0;
  for (const SparseEntry& e : entries) sum += static_cast<double>(e.weight) * e.weight;
  return sum;
}

// A sum that cancels to below this fraction of what a negative scale took away is rounding
// noise: doubles carry ~1e-16 relative error per operation, so 1e-9 leaves a wide margin.
constexpr double kCancelledFraction = 1e-9;

}  // namespace

SparseVector SparseVector::from_unsorted(std::vector<SparseEntry> entries) {
  std::sort(entries.begin(), entries.end(), by_term);
  std::size_t out = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (out > 0 && entries[out - 1].term == entries[i].term) {
      entries[out - 1].weight += entries[i].weight;
    } else {
      entries[out++] = entries[i];
    }
  }
  entries.resize(out);
  SparseVector v;
  v.entries_ = std::move(entries);
  return v;
}

SparseVector SparseVector::from_sorted(std::vector<SparseEntry> entries) {
  assert(std::adjacent_find(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
           return !(a.term < b.term);
         }) == entries.end());
  SparseVector v;
  v.entries_ = std::move(entries);
  return v;
}

float SparseVector::weight(TermId term) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), SparseEntry{term}, by_term);
  return it != entries_.end() && it->term == term ? it->weight : 0.0f;
}

float SparseVector::norm() const { return static_cast<float>(std::sqrt(squared_norm(entries_))); }

void SparseVector::normalize() {
  const double norm = std::sqrt(squared_norm(entries_));
  if (norm == 0.0) return;
  for (SparseEntry& e : entries_) e.weight = static_cast<float>(e.weight / norm);
}

void SparseVector::prune_top_k(std::size_t k) {
  if (k == 0 || entries_.size() <= k) return;
  std::nth_element(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(k - 1),
                   entries_.end(), heavier);
  entries_.resize(k);
  // A kept vector (a corpus holds one per article) must not hold the unpruned one's memory.
  entries_.shrink_to_fit();
  std::sort(entries_.begin(), entries_.end(), by_term);
}

float SparseVector::dot(const SparseVector& other) const {
  double sum = 0.0;
  for_each_shared_term(*this, other, [&](const SparseEntry& a, const SparseEntry& b) {
    sum += static_cast<double>(a.weight) * b.weight;
  });
  return static_cast<float>(sum);
}

void CentroidAccumulator::add_scaled(const SparseVector& v, double scale) {
  const auto entries = v.entries();
  // Merge in place from the back: count the new terms, grow once, then fill from the end, so an
  // update costs no temporary buffer.
  std::size_t fresh = 0;
  {
    auto s = sum_.begin();
    for (const SparseEntry& e : entries) {
      while (s != sum_.end() && s->term < e.term) ++s;
      if (s == sum_.end() || s->term != e.term) ++fresh;
    }
  }
  std::size_t old_size = sum_.size();
  sum_.resize(old_size + fresh);
  std::size_t out = sum_.size();
  std::size_t i = old_size;
  std::size_t j = entries.size();
  bool cancelled = false;
  while (j > 0) {
    const SparseEntry& e = entries[j - 1];
    if (i > 0 && e.term < sum_[i - 1].term) {
      sum_[--out] = sum_[--i];
      continue;
    }
    const double delta = scale * e.weight;
    if (i > 0 && sum_[i - 1].term == e.term) {
      SumEntry merged = sum_[--i];
      merged.weight += delta;
      if (std::abs(merged.weight) <= kCancelledFraction * std::abs(delta)) {
        merged.weight = 0.0;
        cancelled = true;
      }
      sum_[--out] = merged;
    } else {
      sum_[--out] = SumEntry{e.term, delta};
    }
    --j;
  }
  if (cancelled) {
    std::erase_if(sum_, [](const SumEntry& e) { return e.weight == 0.0; });
  }
}

void CentroidAccumulator::add(const SparseVector& v, float scale) {
  add_scaled(v, scale);
  ++members_;
}

void CentroidAccumulator::merge(const CentroidAccumulator& other) {
  std::vector<SumEntry> merged;
  merged.reserve(sum_.size() + other.sum_.size());
  auto a = sum_.begin();
  auto b = other.sum_.begin();
  while (a != sum_.end() || b != other.sum_.end()) {
    if (b == other.sum_.end() || (a != sum_.end() && a->term < b->term)) {
      merged.push_back(*a++);
    } else if (a == sum_.end() || b->term < a->term) {
      merged.push_back(*b++);
    } else {
      merged.push_back({a->term, a->weight + b->weight});
      ++a;
      ++b;
    }
  }
  sum_ = std::move(merged);
  members_ += other.members_;
}

CentroidAccumulator CentroidAccumulator::from_sums(std::vector<SumEntry> sums,
                                               std::size_t members) {
  for (std::size_t i = 1; i < sums.size(); ++i) {
    if (!(sums[i - 1].term < sums[i].term)) {
      throw InputError("CentroidAccumulator::from_sums: terms not sorted or repeated at entry " +
                       std::to_string(i));
    }
  }
  CentroidAccumulator out;
  out.sum_ = std::move(sums);
  out.members_ = members;
  return out;
}

double CentroidAccumulator::mean_norm() const {
  if (members_ == 0) return 0.0;
  double norm = 0.0;
  for (const SumEntry& e : sum_) norm += e.weight * e.weight;
  return std::sqrt(norm) / double(members_);
}

SparseVector CentroidAccumulator::centroid(std::size_t top_k) const {
  std::vector<SparseEntry> entries;
  entries.reserve(sum_.size());
  double norm = 0.0;
  for (const SumEntry& e : sum_) norm += e.weight * e.weight;
  norm = std::sqrt(norm);
  if (norm == 0.0) return {};
  for (const SumEntry& e : sum_) {
    entries.push_back({e.term, static_cast<float>(e.weight / norm)});
  }
  SparseVector v = SparseVector::from_sorted(std::move(entries));
  if (top_k > 0 && v.size() > top_k) {
    v.prune_top_k(top_k);
    v.normalize();
  }
  return v;
}

}  // namespace crossnews
