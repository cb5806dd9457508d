#include "detail/agglomerate.hpp"

#include <algorithm>
#include <queue>
#include <tuple>

namespace crossnews::detail {
namespace {

struct Link {
  std::uint32_t other;
  double sum;
  std::uint32_t count;
};

struct Candidate {
  double average;
  std::uint32_t a, b;  // a < b
  std::uint32_t version_a, version_b;
  // Max-heap on average; among equals, the smaller ids first.
  bool operator<(const Candidate& o) const {
    if (average != o.average) return average < o.average;
    return std::tie(a, b) > std::tie(o.a, o.b);
  }
};

// Adds (sum, count) to the link to `other` in a list sorted by `other`.
void add_link(std::vector<Link>& links, std::uint32_t other, double sum, std::uint32_t count) {
  auto it = std::lower_bound(links.begin(), links.end(), other,
                             [](const Link& l, std::uint32_t v) { return l.other < v; });
  if (it != links.end() && it->other == other) {
    it->sum += sum;
    it->count += count;
  } else {
    links.insert(it, {other, sum, count});
  }
}

void remove_link(std::vector<Link>& links, std::uint32_t other) {
  auto it = std::lower_bound(links.begin(), links.end(), other,
                             [](const Link& l, std::uint32_t v) { return l.other < v; });
  if (it != links.end() && it->other == other) links.erase(it);
}

}  // namespace

std::vector<std::uint32_t> agglomerate(std::size_t n, std::span<const GroupEdge> edges,
                                       double threshold) {
  std::vector<std::vector<Link>> links(n);
  for (const auto& e : edges) {
    if (e.a == e.b || e.count == 0) continue;
    add_link(links[e.a], e.b, e.sum, e.count);
    add_link(links[e.b], e.a, e.sum, e.count);
  }
  std::vector<std::uint32_t> version(n, 0);
  std::vector<std::uint32_t> parent(n);
  for (std::size_t i = 0; i < n; ++i) parent[i] = static_cast<std::uint32_t>(i);

  std::priority_queue<Candidate> heap;
  auto push = [&](std::uint32_t x, const Link& l) {
    const double average = l.sum / l.count;
    if (average < threshold) return;
    const auto a = std::min(x, l.other), b = std::max(x, l.other);
    heap.push({average, a, b, version[a], version[b]});
  };
  for (std::uint32_t x = 0; x < n; ++x) {
    for (const auto& l : links[x]) {
      if (x < l.other) push(x, l);
    }
  }

  while (!heap.empty()) {
    const Candidate top = heap.top();
    heap.pop();
    if (version[top.a] != top.version_a || version[top.b] != top.version_b) continue;
    if (parent[top.a] != top.a || parent[top.b] != top.b) continue;
    // Merge b into a (a < b keeps the smaller id as the survivor).
    const std::uint32_t keep = top.a, gone = top.b;
    parent[gone] = keep;
    ++version[keep];
    ++version[gone];
    remove_link(links[keep], gone);
    for (const auto& l : links[gone]) {
      if (l.other == keep) continue;
      add_link(links[keep], l.other, l.sum, l.count);
      remove_link(links[l.other], gone);
      add_link(links[l.other], keep, l.sum, l.count);
    }
    std::vector<Link>().swap(links[gone]);
    for (const auto& l : links[keep]) push(keep, l);
  }

  // Path-compress to the root; roots are the smallest ids of their clusters by construction.
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t r = parent[i];
    while (parent[r] != r) r = parent[r];
    parent[i] = r;
  }
  return parent;
}

}  // namespace crossnews::detail
