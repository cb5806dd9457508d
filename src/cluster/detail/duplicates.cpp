#include "cluster/detail/duplicates.hpp"

#include "cluster/detail/time_window.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <bit>

namespace crossnews::detail {
namespace {

std::uint64_t fingerprint(const DocFeatures& doc) {
  std::uint64_t h = doc.lang_slot.value();
  for (const SparseEntry& e : doc.vector.entries()) {
    const std::uint64_t entry =
        (std::uint64_t{e.term.value()} << 32) | std::bit_cast<std::uint32_t>(e.weight);
    h = (h ^ entry) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
  }
  return h;
}

bool same_vector(const DocFeatures& a, const DocFeatures& b) {
  const auto ea = a.vector.entries(), eb = b.vector.entries();
  return a.lang_slot == b.lang_slot && std::equal(ea.begin(), ea.end(), eb.begin(), eb.end(),
                                                  [](const SparseEntry& x, const SparseEntry& y) {
                                                    return x.term == y.term && x.weight == y.weight;
                                                  });
}

bool within_window(const DocFeatures& first, const DocFeatures& doc, std::int64_t window) {
  if (window <= 0 || !first.time || !doc.time) return true;
  const std::int64_t low = std::min(*first.time, *doc.time);
  const std::int64_t high = std::max(*first.time, *doc.time);
  return low >= saturating_sub(high, window);
}

}  // namespace

DuplicateGroups group_exact_duplicates(const Featurizer& featurizer, std::int64_t window_seconds) {
  DuplicateGroups out;
  const std::size_t n = featurizer.size();
  out.group_of.resize(n);
  // Fingerprint -> groups with it (usually one; more when copies lie further apart than the
  // window, or on a collision).
  absl::flat_hash_map<std::uint64_t, std::vector<std::uint32_t>> groups_of;
  for (std::uint32_t i = 0; i < n; ++i) {
    const DocFeatures& doc = featurizer.features(DocId{i});
    std::vector<std::uint32_t>* candidates = nullptr;
    if (!doc.vector.empty()) {
      candidates = &groups_of[fingerprint(doc)];
      const auto match = std::find_if(candidates->begin(), candidates->end(), [&](std::uint32_t g) {
        const DocFeatures& first = featurizer.features(DocId{out.representative[g]});
        return same_vector(first, doc) && within_window(first, doc, window_seconds);
      });
      if (match != candidates->end()) {
        out.group_of[i] = *match;
        ++out.size[*match];
        continue;
      }
    }
    const auto group = static_cast<std::uint32_t>(out.representative.size());
    out.group_of[i] = group;
    out.representative.push_back(i);
    out.size.push_back(1);
    if (candidates) candidates->push_back(group);
  }
  return out;
}

}  // namespace crossnews::detail
