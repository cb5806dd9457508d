#include <crossnews/clusterer.hpp>

#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>
#include <crossnews/lexicon.hpp>

#include "detail/agglomerate.hpp"
#include "detail/parallel.hpp"
#include "detail/story_builder.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crossnews {
namespace {

constexpr double kSecondsPerDay = 86400.0;

void check_options(const ClusterOptions& o) {
  auto in_unit = [](double v) { return v >= 0.0 && v <= 1.0; };
  if (!in_unit(o.threshold)) throw ConfigError("threshold must lie in [0, 1]");
  if (!in_unit(o.entity_weight)) throw ConfigError("entity_weight must lie in [0, 1]");
  if (!in_unit(o.time_weight)) throw ConfigError("time_weight must lie in [0, 1]");
  if (o.window_days < 0.0) throw ConfigError("window_days must not be negative");
  if (o.time_sigma_days <= 0.0) throw ConfigError("time_sigma_days must be positive");
  if (o.crosslingual_scale < 0.0f) throw ConfigError("crosslingual_scale must not be negative");
  if (o.neighbours == 0) throw ConfigError("neighbours must be at least 1");
}

double time_factor(const DocFeatures& a, const DocFeatures& b, const ClusterOptions& o) {
  if (!a.time || !b.time || o.time_weight == 0.0f) return 1.0;
  const double dt = double(*a.time - *b.time) / kSecondsPerDay;
  const double sigma = o.time_sigma_days;
  return 1.0 - o.time_weight + o.time_weight * std::exp(-dt * dt / (2.0 * sigma * sigma));
}

struct SimilarityParts {
  float content = 0.0f;
  float names = 0.0f;
  float time = 1.0f;
  float total = 0.0f;
};

// The similarity from the two dot products of a and b: over all their terms, and over names.
SimilarityParts combine(double dot_all, double dot_neutral, const DocFeatures& a,
                        const DocFeatures& b, const ClusterOptions& o) {
  SimilarityParts s;
  if (a.lang_slot == b.lang_slot) {
    s.content = static_cast<float>(dot_all);
  } else if (a.crosslingual_norm > 0.0f && b.crosslingual_norm > 0.0f) {
    // Only concepts and names can be shared across languages: compare on that part alone.
    const double c = dot_all / (double(a.crosslingual_norm) * b.crosslingual_norm);
    s.content = static_cast<float>(std::min(1.0, c * o.crosslingual_scale));
  }
  if (a.neutral_norm > 0.0f && b.neutral_norm > 0.0f) {
    s.names = static_cast<float>(
        std::min(1.0, dot_neutral / (double(a.neutral_norm) * b.neutral_norm)));
  }
  s.time = static_cast<float>(time_factor(a, b, o));
  s.total = ((1.0f - o.entity_weight) * s.content + o.entity_weight * s.names) * s.time;
  return s;
}

SimilarityParts similarity_parts(const Featurizer& f, const DocFeatures& a, const DocFeatures& b,
                                 const ClusterOptions& o) {
  double dot_all = 0.0, dot_neutral = 0.0;
  auto ea = a.vector.entries(), eb = b.vector.entries();
  std::size_t i = 0, j = 0;
  while (i < ea.size() && j < eb.size()) {
    if (ea[i].term < eb[j].term) {
      ++i;
    } else if (eb[j].term < ea[i].term) {
      ++j;
    } else {
      const double p = double(ea[i].weight) * eb[j].weight;
      dot_all += p;
      if (f.is_name(ea[i].term)) dot_neutral += p;
      ++i;
      ++j;
    }
  }
  return combine(dot_all, dot_neutral, a, b, o);
}

// One article scored against many: its weights scattered by term, so each other article costs a
// gather over its own entries instead of a merge. Sums run in term order, as in
// similarity_parts(), so the results are the same to the bit.
class ScatteredArticle {
 public:
  explicit ScatteredArticle(std::size_t terms = 0) : weight_(terms, 0.0f) {}

  /// Makes room for a vocabulary that grew (stream).
  void fit(std::size_t terms) {
    if (weight_.size() < terms) weight_.resize(terms, 0.0f);
  }

  void set(const Featurizer& f, const DocFeatures& doc) {
    featurizer_ = &f;
    doc_ = &doc;
    for (const auto& e : doc.vector.entries()) weight_[e.term.value()] = e.weight;
  }
  void clear() {
    for (const auto& e : doc_->vector.entries()) weight_[e.term.value()] = 0.0f;
  }
  [[nodiscard]] SimilarityParts similarity(const DocFeatures& other,
                                           const ClusterOptions& o) const {
    double dot_all = 0.0, dot_neutral = 0.0;
    for (const auto& e : other.vector.entries()) {
      const float w = weight_[e.term.value()];
      if (w == 0.0f) continue;
      const double p = double(w) * e.weight;
      dot_all += p;
      if (featurizer_->is_name(e.term)) dot_neutral += p;
    }
    return combine(dot_all, dot_neutral, *doc_, other, o);
  }

 private:
  std::vector<float> weight_;
  const Featurizer* featurizer_ = nullptr;
  const DocFeatures* doc_ = nullptr;
};

IndexQuery window_query(const DocFeatures& doc, const ClusterOptions& o, std::size_t k,
                        float min_score) {
  IndexQuery q;
  q.k = k;
  q.min_score = min_score;
  if (doc.time && o.window_days > 0.0) {
    const auto half = static_cast<std::int64_t>(o.window_days * kSecondsPerDay);
    q.time_from = *doc.time - half;
    q.time_to = *doc.time + half;
  }
  return q;
}

// The part of a vector other languages can share, re-normalised: queries with it find articles
// in other languages that the whole vector, dominated by language-specific words, would rank low.
SparseVector crosslingual_part(const Featurizer& f, const SparseVector& v) {
  std::vector<SparseEntry> kept;
  for (const auto& e : v.entries()) {
    if (f.is_crosslingual(e.term)) kept.push_back(e);
  }
  SparseVector out = SparseVector::from_sorted(std::move(kept));
  out.normalize();
  return out;
}

// Story ids in order of each story's first article, from 1.
std::vector<ClusterId> number_groups(std::span<const std::uint32_t> root) {
  absl::flat_hash_map<std::uint32_t, ClusterId> id_of;
  std::vector<ClusterId> out;
  out.reserve(root.size());
  for (auto r : root) {
    auto [it, added] = id_of.try_emplace(r, ClusterId(id_of.size() + 1));
    out.push_back(it->second);
  }
  return out;
}

}  // namespace

float similarity(const Featurizer& featurizer, const DocFeatures& a, const DocFeatures& b,
                 const ClusterOptions& options) {
  return similarity_parts(featurizer, a, b, options).total;
}

// ---------------------------------------------------------------------------------------------
// Batch

struct BatchClusterer::Impl {
  ClusterOptions options;
  const Lexicon* lexicon;
  Featurizer featurizer;
  std::vector<detail::ArticleMeta> meta;

  Impl(const Analyzer& analyzer, const Lexicon* l, ClusterOptions o)
      : options(o), lexicon(l), featurizer(analyzer, l, o.features) {
    check_options(options);
  }

  struct Edge {
    std::uint32_t a, b;
    float s;
    bool same_language;
  };

  std::vector<Edge> candidate_edges(const ProgressCallback& progress) {
    const std::size_t n = featurizer.size();
    if (progress) progress("link", 0, n);
    // Inserted in time order, the index cuts each posting list to a query's window (see
    // inverted_index.cpp). Keys stay the article indices, so the hits are the same.
    std::vector<std::uint32_t> by_time(n);
    std::iota(by_time.begin(), by_time.end(), 0u);
    std::stable_sort(by_time.begin(), by_time.end(), [&](std::uint32_t x, std::uint32_t y) {
      return featurizer.features(x).time < featurizer.features(y).time;
    });
    InvertedIndex index;
    for (const std::uint32_t i : by_time) {
      const auto& d = featurizer.features(i);
      index.insert(i, d.vector, d.time);
    }
    const std::size_t threads = std::max<std::size_t>(1, options.features.threads);
    std::vector<std::vector<Edge>> per_worker(threads);
    // Each worker's buffers live across the chunks: both are as large as the index or the
    // vocabulary, and refilling them per chunk would cost more than the chunk's queries.
    std::vector<std::unique_ptr<QueryScratch, void (*)(QueryScratch*)>> scratches;
    for (std::size_t w = 0; w < threads; ++w) scratches.push_back(InvertedIndex::make_scratch());
    std::vector<ScatteredArticle> articles(threads,
                                           ScatteredArticle(featurizer.vocabulary().size()));
    const std::size_t chunk = 8192;
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t stop = std::min(n, start + chunk);
      detail::parallel_for(stop - start, threads,
                           [&](std::size_t worker, std::size_t begin, std::size_t end) {
                             std::vector<Hit> hits, xl_hits;
                             for (std::size_t i = start + begin; i < start + end; ++i) {
                               collect(index, i, *scratches[worker], articles[worker], hits,
                                       xl_hits, per_worker[worker]);
                             }
                           });
      if (progress) progress("link", stop, n);
    }
    std::vector<Edge> edges;
    for (auto& w : per_worker) edges.insert(edges.end(), w.begin(), w.end());
    std::sort(edges.begin(), edges.end(),
              [](const Edge& x, const Edge& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& x, const Edge& y) { return x.a == y.a && x.b == y.b; }),
                edges.end());
    return edges;
  }

  void collect(const InvertedIndex& index, std::size_t i, QueryScratch& scratch,
               ScatteredArticle& article, std::vector<Hit>& hits, std::vector<Hit>& xl_hits,
               std::vector<Edge>& out) const {
    const DocFeatures& d = featurizer.features(i);
    IndexQuery q = window_query(d, options, options.neighbours, options.candidate_min_score);
    q.exclude = static_cast<std::uint32_t>(i);
    q.nearest_per_term = options.postings_per_term;
    SparseVector whole = d.vector;
    SparseVector xl = crosslingual_part(featurizer, d.vector);
    whole.prune_top_k(options.query_terms);
    xl.prune_top_k(options.query_terms);
    // One pass serves both queries: the cross-lingual terms are the long posting lists.
    index.query_pair(whole, xl, q, scratch, hits, xl_hits);
    hits.insert(hits.end(), xl_hits.begin(), xl_hits.end());
    // Both queries often find the same article: score it once.
    std::sort(hits.begin(), hits.end(), [](const Hit& x, const Hit& y) { return x.key < y.key; });
    hits.erase(std::unique(hits.begin(), hits.end(),
                           [](const Hit& x, const Hit& y) { return x.key == y.key; }),
               hits.end());
    article.set(featurizer, d);
    for (const Hit& h : hits) {
      const DocFeatures& other = featurizer.features(h.key);
      const float s = article.similarity(other, options).total;
      if (s <= 0.0f) continue;
      const auto a = static_cast<std::uint32_t>(std::min<std::size_t>(i, h.key));
      const auto b = static_cast<std::uint32_t>(std::max<std::size_t>(i, h.key));
      out.push_back({a, b, s, d.lang_slot == other.lang_slot});
    }
    article.clear();
  }

  std::vector<std::uint32_t> cluster(const std::vector<Edge>& edges) const {
    const std::size_t n = featurizer.size();
    std::vector<detail::GroupEdge> group_edges;
    group_edges.reserve(edges.size());
    const bool two_stage = options.strategy == ClusterStrategy::monolingual_first;
    for (const auto& e : edges) {
      if (two_stage && !e.same_language) continue;
      group_edges.push_back({e.a, e.b, e.s});
    }
    auto root = detail::agglomerate(n, group_edges, options.threshold);
    if (!two_stage) return root;
    // Second stage: the monolingual stories become the nodes; all edges between them count.
    absl::flat_hash_map<std::uint64_t, std::size_t> slot;
    group_edges.clear();
    for (const auto& e : edges) {
      const std::uint32_t ra = root[e.a], rb = root[e.b];
      if (ra == rb) continue;
      const auto lo = std::min(ra, rb), hi = std::max(ra, rb);
      const std::uint64_t key = (std::uint64_t(lo) << 32) | hi;
      auto [it, added] = slot.try_emplace(key, group_edges.size());
      if (added) group_edges.push_back({lo, hi, 0.0});
      group_edges[it->second].sum += e.s;
    }
    std::sort(group_edges.begin(), group_edges.end(),
              [](const auto& x, const auto& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
    std::vector<std::uint32_t> sizes(n, 0);
    for (const auto r : root) ++sizes[r];
    auto merged = detail::agglomerate(n, group_edges, options.threshold, sizes);
    for (auto& r : root) r = merged[r];
    return root;
  }
};

BatchClusterer::BatchClusterer(const Analyzer& analyzer, const Lexicon* lexicon,
                               ClusterOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
BatchClusterer::~BatchClusterer() = default;
BatchClusterer::BatchClusterer(BatchClusterer&&) noexcept = default;
BatchClusterer& BatchClusterer::operator=(BatchClusterer&&) noexcept = default;

void BatchClusterer::add(std::span<const Article> articles) {
  impl_->featurizer.add(articles);
  for (const auto& a : articles) impl_->meta.push_back({a.id, a.title});
}

DocumentFrequencies BatchClusterer::frequencies_of(std::span<const std::size_t> docs) {
  return impl_->featurizer.frequencies_of(docs);
}

void BatchClusterer::use_document_frequencies(const DocumentFrequencies& frequencies) {
  impl_->featurizer.use_document_frequencies(frequencies);
}

ClusteringResult BatchClusterer::run(const ProgressCallback& progress) {
  auto& m = *impl_;
  m.featurizer.finish(progress);
  const auto edges = m.candidate_edges(progress);
  if (progress) progress("cluster", 0, 0);
  const auto root = m.cluster(edges);
  ClusteringResult result;
  result.assignment = number_groups(root);
  if (progress) progress("summarize", 0, 0);
  result.stories =
      detail::summarize_stories(m.featurizer, m.lexicon, result.assignment, m.meta,
                                m.options.features.threads);
  return result;
}

const Featurizer& BatchClusterer::featurizer() const { return impl_->featurizer; }

// ---------------------------------------------------------------------------------------------
// Stream

struct StreamClusterer::Impl {
  ClusterOptions options;
  const Lexicon* lexicon;
  Featurizer featurizer;
  std::vector<detail::ArticleMeta> meta;

  // A story keeps one centroid per language, each in the index under its own key, so an article
  // is compared with the story's articles in its own language (whole vocabulary) and with those
  // in other languages (cross-lingual part) as two articles would be.
  struct LanguageCentroid {
    std::uint32_t key;
    std::uint16_t lang_slot;
    CentroidAccumulator sum;
    DocFeatures view;  // the normalised centroid, compared like an article
  };
  struct Story {
    ClusterId id;
    std::vector<LanguageCentroid> centroids;
    std::optional<std::int64_t> last_time;
    bool live = true;
  };
  std::vector<Story> stories;
  std::vector<std::uint32_t> merged_into;     // union-find over story indices
  std::vector<std::uint32_t> story_of_doc;    // story index at the time of assignment
  std::vector<std::pair<std::uint32_t, std::size_t>> key_owner;  // key -> (story, centroid)
  std::vector<std::uint32_t> free_keys;
  InvertedIndex index;
  std::vector<MergeEvent> merges;
  std::int64_t now = std::numeric_limits<std::int64_t>::min();
  std::size_t since_eviction = 0;
  std::unique_ptr<QueryScratch, void (*)(QueryScratch*)> scratch = InvertedIndex::make_scratch();
  ScatteredArticle scattered;  // the article being added, to score it against many centroids

  Impl(const Analyzer& analyzer, const Lexicon* l, ClusterOptions o)
      : options(o), lexicon(l), featurizer(analyzer, l, [&] {
          auto f = o.features;
          f.threads = 1;
          return f;
        }()) {
    check_options(options);
  }

  std::uint32_t find(std::uint32_t s) const {
    while (merged_into[s] != s) s = merged_into[s];
    return s;
  }

  std::uint32_t new_key(std::uint32_t story, std::size_t centroid) {
    std::uint32_t key;
    if (!free_keys.empty()) {
      key = free_keys.back();
      free_keys.pop_back();
      key_owner[key] = {story, centroid};
    } else {
      key = static_cast<std::uint32_t>(key_owner.size());
      key_owner.push_back({story, centroid});
    }
    return key;
  }

  void refresh(std::uint32_t story, std::size_t c) {
    auto& lc = stories[story].centroids[c];
    lc.view.vector = lc.sum.centroid(options.features.weighting.top_k);
    double xl = 0.0, neutral = 0.0;
    for (const auto& e : lc.view.vector.entries()) {
      if (featurizer.is_crosslingual(e.term)) xl += double(e.weight) * e.weight;
      if (featurizer.is_name(e.term)) neutral += double(e.weight) * e.weight;
    }
    lc.view.crosslingual_norm = static_cast<float>(std::sqrt(xl));
    lc.view.neutral_norm = static_cast<float>(std::sqrt(neutral));
    lc.view.lang_slot = lc.lang_slot;
    lc.view.time = stories[story].last_time;
    if (index.contains(lc.key)) {
      index.update(lc.key, lc.view.vector, lc.view.time);
    } else {
      index.insert(lc.key, lc.view.vector, lc.view.time);
    }
  }

  void join(std::uint32_t story, const DocFeatures& doc) {
    auto& s = stories[story];
    if (doc.time) s.last_time = s.last_time ? std::max(*s.last_time, *doc.time) : *doc.time;
    auto it = std::find_if(s.centroids.begin(), s.centroids.end(),
                           [&](const LanguageCentroid& c) { return c.lang_slot == doc.lang_slot; });
    std::size_t c;
    if (it == s.centroids.end()) {
      c = s.centroids.size();
      s.centroids.push_back({0, doc.lang_slot, {}, {}});
      s.centroids[c].key = new_key(story, c);
    } else {
      c = static_cast<std::size_t>(it - s.centroids.begin());
    }
    s.centroids[c].sum.add(doc.vector);
    for (std::size_t k = 0; k < s.centroids.size(); ++k) refresh(story, k);
  }

  void retire(std::uint32_t story) {
    for (auto& c : stories[story].centroids) {
      if (index.contains(c.key)) index.remove(c.key);
      free_keys.push_back(c.key);
    }
    stories[story].live = false;
  }

  void merge(std::uint32_t keep, std::uint32_t gone) {
    merges.push_back({stories[gone].id, stories[keep].id, stories[keep].last_time});
    // Retired first: its keys must leave the index while its centroids still name them.
    retire(gone);
    auto gone_centroids = std::move(stories[gone].centroids);
    const auto gone_time = stories[gone].last_time;
    merged_into[gone] = keep;
    auto& k = stories[keep];
    if (gone_time) k.last_time = k.last_time ? std::max(*k.last_time, *gone_time) : *gone_time;
    for (auto& g : gone_centroids) {
      auto it = std::find_if(k.centroids.begin(), k.centroids.end(),
                             [&](const LanguageCentroid& c) { return c.lang_slot == g.lang_slot; });
      if (it == k.centroids.end()) {
        k.centroids.push_back({0, g.lang_slot, std::move(g.sum), {}});
        k.centroids.back().key = new_key(keep, k.centroids.size() - 1);
      } else {
        for (auto& c : k.centroids) {
          if (c.lang_slot == g.lang_slot) c.sum.add(g.sum.centroid(), float(g.sum.members()));
        }
      }
    }
    for (std::size_t c = 0; c < k.centroids.size(); ++c) refresh(keep, c);
  }

  // Whether two stories are similar in themselves (some pair of their language centroids at
  // the threshold), not only through the article that links both: a bridging article alone
  // would chain stories, as single linkage does.
  bool alike(std::uint32_t a, std::uint32_t b) const {
    for (const auto& ca : stories[a].centroids) {
      for (const auto& cb : stories[b].centroids) {
        if (similarity_parts(featurizer, ca.view, cb.view, options).total >= options.threshold) {
          return true;
        }
      }
    }
    return false;
  }

  void evict_idle() {
    if (options.window_days <= 0.0 || now == std::numeric_limits<std::int64_t>::min()) return;
    const auto horizon = now - static_cast<std::int64_t>(options.window_days * kSecondsPerDay);
    for (std::uint32_t s = 0; s < stories.size(); ++s) {
      if (stories[s].live && stories[s].last_time && *stories[s].last_time < horizon) retire(s);
    }
  }

  ClusterId add(const Article& article) {
    if (article.time && *article.time > now) now = *article.time;
    if (++since_eviction >= 256) {
      since_eviction = 0;
      evict_idle();
    }
    const DocFeatures doc = featurizer.featurize_one(article);
    meta.push_back({article.id, article.title});

    // Best and second-best live stories by similarity to one of their language centroids.
    IndexQuery q = window_query(doc, options, 4 * options.neighbours, options.candidate_min_score);
    std::vector<Hit> hits, xl_hits;
    index.query(doc.vector, q, *scratch, hits);
    index.query(crosslingual_part(featurizer, doc.vector), q, *scratch, xl_hits);
    hits.insert(hits.end(), xl_hits.begin(), xl_hits.end());
    absl::flat_hash_map<std::uint32_t, float> best_of_story;
    scattered.fit(featurizer.vocabulary().size());
    scattered.set(featurizer, doc);
    for (const Hit& h : hits) {
      const auto [story, c] = key_owner[h.key];
      const float s = scattered.similarity(stories[story].centroids[c].view, options).total;
      auto& slot = best_of_story[story];
      slot = std::max(slot, s);
    }
    scattered.clear();
    std::vector<std::pair<float, std::uint32_t>> ranked;
    for (auto [story, s] : best_of_story) ranked.emplace_back(s, story);
    std::sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });

    std::uint32_t target;
    if (!ranked.empty() && ranked.front().first >= options.threshold) {
      target = ranked.front().second;
    } else {
      target = static_cast<std::uint32_t>(stories.size());
      stories.push_back({ClusterId(stories.size() + 1), {}, {}, true});
      merged_into.push_back(target);
    }
    join(target, doc);
    story_of_doc.push_back(target);
    if (ranked.size() >= 2 && ranked[0].first >= options.merge_threshold &&
        ranked[1].first >= options.merge_threshold) {
      const std::uint32_t other = ranked[1].second;
      // The older story (smaller id) keeps its id.
      const auto keep = std::min(target, other), gone = std::max(target, other);
      if (stories[gone].live && stories[keep].live && alike(keep, gone)) merge(keep, gone);
    }
    return stories[find(target)].id;
  }

  std::vector<ClusterId> assignment() const {
    std::vector<ClusterId> out;
    out.reserve(story_of_doc.size());
    for (auto s : story_of_doc) out.push_back(stories[find(s)].id);
    return out;
  }
};

StreamClusterer::StreamClusterer(const Analyzer& analyzer, const Lexicon* lexicon,
                                 ClusterOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
StreamClusterer::~StreamClusterer() = default;
StreamClusterer::StreamClusterer(StreamClusterer&&) noexcept = default;
StreamClusterer& StreamClusterer::operator=(StreamClusterer&&) noexcept = default;

ClusterId StreamClusterer::add(const Article& article) { return impl_->add(article); }

std::vector<StorySummary> StreamClusterer::stories() const {
  const auto assignment = impl_->assignment();
  return detail::summarize_stories(impl_->featurizer, impl_->lexicon, assignment, impl_->meta,
                                   impl_->options.features.threads);
}

std::vector<ClusterId> StreamClusterer::assignment() const { return impl_->assignment(); }
const std::vector<MergeEvent>& StreamClusterer::merges() const { return impl_->merges; }

const Featurizer& StreamClusterer::featurizer() const { return impl_->featurizer; }

std::size_t StreamClusterer::live_stories() const {
  return static_cast<std::size_t>(std::count_if(impl_->stories.begin(), impl_->stories.end(),
                                                [](const auto& s) { return s.live; }));
}

// ---------------------------------------------------------------------------------------------
// Explanations

LinkExplanation explain_link(const Featurizer& featurizer, const Lexicon* lexicon,
                             const Article& a, std::size_t doc_a, const Article& b,
                             std::size_t doc_b, const ClusterOptions& options) {
  const DocFeatures& fa = featurizer.features(doc_a);
  const DocFeatures& fb = featurizer.features(doc_b);
  const SimilarityParts parts = similarity_parts(featurizer, fa, fb, options);
  LinkExplanation out;
  out.similarity = parts.total;
  out.content = parts.content;
  out.names = parts.names;
  out.time_factor = parts.time;
  const std::string lang_a(featurizer.language(fa.lang_slot));
  const std::string lang_b(featurizer.language(fb.lang_slot));
  // words_for re-analyses an article; it needs a mutable featurizer only for its scratch worker.
  auto& scratch_featurizer = const_cast<Featurizer&>(featurizer);
  auto ea = fa.vector.entries(), eb = fb.vector.entries();
  std::size_t i = 0, j = 0;
  while (i < ea.size() && j < eb.size()) {
    if (ea[i].term < eb[j].term) {
      ++i;
      continue;
    }
    if (eb[j].term < ea[i].term) {
      ++j;
      continue;
    }
    const TermId term = ea[i].term;
    SharedFeature shared;
    shared.weight = ea[i].weight * eb[j].weight;
    const FeatureKind kind = featurizer.kind(term);
    auto join_words = [](const std::vector<std::string>& words) {
      std::string joined;
      for (const auto& w : words) joined += (joined.empty() ? "" : "|") + w;
      return joined;
    };
    if (kind == FeatureKind::concept_) {
      const auto concept_id = *featurizer.concept_of(term);
      shared.concept_name = lexicon ? std::string(lexicon->concept_name(concept_id))
                                    : std::string(featurizer.vocabulary().text(term));
      const auto words_a = scratch_featurizer.words_for(a, term);
      const auto words_b = scratch_featurizer.words_for(b, term);
      // The concept's own word in each language reads better than a stem; the stems the
      // articles used come after it.
      auto label = [&](const std::string& lang, const std::vector<std::string>& words) {
        std::vector<std::string> shown;
        if (lexicon) {
          auto preferred = lexicon->concept_terms(concept_id, lang);
          if (!preferred.empty()) shown.push_back(preferred.front());
        }
        for (const auto& w : words) {
          if (std::find(shown.begin(), shown.end(), w) == shown.end()) shown.push_back(w);
        }
        return join_words(shown);
      };
      shared.terms[lang_a] = label(lang_a, words_a);
      shared.terms[lang_b] = label(lang_b, words_b);
      shared.source = "lexicon";
      if (lexicon && !words_a.empty()) {
        auto links = lexicon->lookup(lang_a, words_a.front());
        if (!links.empty()) shared.source = std::string(to_string(links.front().source));
      }
    } else {
      shared.concept_name = std::string(featurizer.vocabulary().text(term));
      // Each side's own spelling: a name may be linked to a one-letter variant of itself.
      const auto words_a = scratch_featurizer.words_for(a, term);
      const auto words_b = scratch_featurizer.words_for(b, term);
      shared.terms[lang_a] = words_a.empty() ? shared.concept_name : join_words(words_a);
      shared.terms[lang_b] = words_b.empty() ? shared.concept_name : join_words(words_b);
      shared.source = is_language_neutral(kind) ? "entity" : "word";
    }
    out.shared.push_back(std::move(shared));
    ++i;
    ++j;
  }
  std::sort(out.shared.begin(), out.shared.end(), [](const SharedFeature& x, const SharedFeature& y) {
    return x.weight != y.weight ? x.weight > y.weight : x.concept_name < y.concept_name;
  });
  return out;
}

}  // namespace crossnews
