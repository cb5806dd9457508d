#include <crossnews/clusterer.hpp>

#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>
#include <crossnews/lexicon.hpp>

#include "cluster/detail/agglomerate.hpp"
#include "cluster/detail/duplicates.hpp"
#include "cluster/detail/link_score.hpp"
#include "cluster/detail/parallel.hpp"
#include "cluster/detail/story_builder.hpp"
#include "cluster/detail/time_window.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace crossnews {
namespace {

using detail::kSecondsPerDay;

double time_factor(const DocFeatures& a, const DocFeatures& b, const ClusterOptions& o) {
  if (!a.time || !b.time || o.time_weight == 0.0f) return 1.0;
  const double dt = detail::seconds_between(*a.time, *b.time) / kSecondsPerDay;
  const double sigma = o.time_sigma_days;
  return 1.0 - o.time_weight + o.time_weight * std::exp(-dt * dt / (2.0 * sigma * sigma));
}

struct SimilarityParts {
  float content = 0.0f;
  float names = 0.0f;
  float time = 1.0f;
  float total = 0.0f;
  float overlap = 0.0f;  // share of the longer vector's terms the other holds too
};

// The similarity from the two dot products of a and b (over all their terms, and over names)
// and the number of terms they share.
SimilarityParts combine(double dot_all, double dot_neutral, std::size_t shared,
                        const DocFeatures& a, const DocFeatures& b, const ClusterOptions& o) {
  SimilarityParts s;
  const std::size_t longer = std::max(a.vector.size(), b.vector.size());
  s.overlap = longer == 0 ? 0.0f : static_cast<float>(double(shared) / double(longer));
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
  std::size_t shared = 0;
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
      ++shared;
      ++i;
      ++j;
    }
  }
  return combine(dot_all, dot_neutral, shared, a, b, o);
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
    std::size_t shared = 0;
    for (const auto& e : other.vector.entries()) {
      const float w = weight_[e.term.value()];
      if (w == 0.0f) continue;
      const double p = double(w) * e.weight;
      dot_all += p;
      if (featurizer_->is_name(e.term)) dot_neutral += p;
      ++shared;
    }
    return combine(dot_all, dot_neutral, shared, *doc_, other, o);
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
    const std::int64_t half = detail::window_seconds(o.window_days);
    q.time_from = detail::saturating_sub(*doc.time, half);
    q.time_to = detail::saturating_add(*doc.time, half);
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

namespace {

// Throws unless lo <= value <= hi (NaN fails every comparison, so it is refused too).
void check_range(const char* field, double value, double lo, double hi, const char* unit = "") {
  if (value >= lo && value <= hi) return;
  char text[160];
  std::snprintf(text, sizeof text, "%s must lie in [%g, %g]%s, got %g", field, lo, hi, unit, value);
  throw ConfigError(text);
}

}  // namespace

void validate(const FeaturizerOptions& o) {
  check_range("FeaturizerOptions::threads", double(o.threads), 1, double(kMaxThreads));
  check_range("FeaturizerOptions::weighting.title_boost", o.weighting.title_boost, 0, 1e6);
  check_range("FeaturizerOptions::weighting.entity_boost", o.weighting.entity_boost, 0, 1e6);
}

void validate(const ClusterOptions& o) {
  check_range("ClusterOptions::threshold", o.threshold, 0, 1);
  check_range("ClusterOptions::entity_weight", o.entity_weight, 0, 1);
  check_range("ClusterOptions::time_weight", o.time_weight, 0, 1);
  check_range("ClusterOptions::merge_threshold", o.merge_threshold, 0, 1);
  check_range("ClusterOptions::candidate_min_score", o.candidate_min_score, 0, 1);
  check_range("ClusterOptions::crosslingual_scale", o.crosslingual_scale, 0, kMaxCrosslingualScale);
  check_range("ClusterOptions::window_days", o.window_days, 0, kMaxDays, " days (0: no window)");
  check_range("ClusterOptions::time_sigma_days", o.time_sigma_days, 0, kMaxDays, " days (above 0)");
  if (o.time_sigma_days == 0) throw ConfigError("ClusterOptions::time_sigma_days must be above 0");
  if (o.neighbours == 0) throw ConfigError("ClusterOptions::neighbours must be at least 1, got 0");
  validate(o.features);
}

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
  bool ran = false;

  Impl(const Analyzer& analyzer, const Lexicon* l, ClusterOptions o)
      : options(o), lexicon(l), featurizer(analyzer, l, o.features) {
    validate(options);
  }

  using Edge = detail::CandidateEdge;

  // `representative`: the article each node of the graph is linked through.
  std::vector<Edge> candidate_edges(std::span<const std::uint32_t> representative,
                                    const ProgressCallback& progress) {
    const std::size_t n = representative.size();
    if (progress) progress("link", 0, n);
    const auto doc = [&](std::uint32_t node) -> const DocFeatures& {
      return featurizer.features(representative[node]);
    };
    // Inserted in time order, the index cuts each posting list to a query's window (see
    // inverted_index.cpp); articles without time come first, in corpus order.
    std::vector<std::uint32_t> by_time(n);
    std::iota(by_time.begin(), by_time.end(), 0u);
    std::stable_sort(by_time.begin(), by_time.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return doc(x).time < doc(y).time; });
    InvertedIndex index;
    for (const std::uint32_t node : by_time) index.insert(node, doc(node).vector, doc(node).time);
    const std::size_t workers = detail::worker_count(options.features.threads, n);
    std::vector<std::vector<Edge>> per_worker(workers);
    // Each worker's buffers live across the chunks: both are as large as the index or the
    // vocabulary, and refilling them per chunk would cost more than the chunk's queries.
    std::vector<std::unique_ptr<QueryScratch, void (*)(QueryScratch*)>> scratches;
    for (std::size_t w = 0; w < workers; ++w) scratches.push_back(InvertedIndex::make_scratch());
    std::vector<ScatteredArticle> articles(workers,
                                           ScatteredArticle(featurizer.vocabulary().size()));
    // Chunks of at most 8192 articles, and at least 64 of them on a large corpus, so progress moves
    // steadily; each chunk costs one start of the workers.
    const std::size_t chunk = std::clamp<std::size_t>(n / 64, 256, 8192);
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t stop = std::min(n, start + chunk);
      detail::parallel_for(
          stop - start, workers, [&](std::size_t worker, std::size_t begin, std::size_t end) {
            std::vector<Hit> hits, xl_hits;
            for (std::size_t i = start + begin; i < start + end; ++i) {
              collect(index, representative, static_cast<std::uint32_t>(i), *scratches[worker],
                      articles[worker], hits, xl_hits, per_worker[worker]);
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

  void collect(const InvertedIndex& index, std::span<const std::uint32_t> representative,
               std::uint32_t node, QueryScratch& scratch, ScatteredArticle& article,
               std::vector<Hit>& hits, std::vector<Hit>& xl_hits, std::vector<Edge>& out) const {
    const DocFeatures& d = featurizer.features(representative[node]);
    IndexQuery q = window_query(d, options, options.neighbours, options.candidate_min_score);
    q.exclude = node;
    // Without times the corpus order bounds the postings read per term, as time does.
    q.anchor = node;
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
      const DocFeatures& other = featurizer.features(representative[h.key]);
      const SimilarityParts parts = article.similarity(other, options);
      if (parts.total <= 0.0f) continue;
      out.push_back({std::min(node, h.key), std::max(node, h.key), parts.total, parts.overlap,
                     d.lang_slot == other.lang_slot});
    }
    article.clear();
  }
};

BatchClusterer::BatchClusterer(const Analyzer& analyzer, const Lexicon* lexicon,
                               ClusterOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
BatchClusterer::~BatchClusterer() = default;
BatchClusterer::BatchClusterer(BatchClusterer&&) noexcept = default;
BatchClusterer& BatchClusterer::operator=(BatchClusterer&&) noexcept = default;

void BatchClusterer::add(std::span<const Article> articles) {
  if (impl_->ran) {
    throw ConfigError(
        "BatchClusterer::add after run(): a batch clusterer clusters one corpus; "
        "use a new one for more articles");
  }
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
  if (m.ran) throw ConfigError("BatchClusterer::run called twice: a batch clusterer runs once");
  m.ran = true;
  m.featurizer.finish(progress);
  const auto copies = detail::group_exact_duplicates(
      m.featurizer,
      m.options.window_days > 0.0 ? detail::window_seconds(m.options.window_days) : 0);
  const auto edges = m.candidate_edges(copies.representative, progress);
  if (progress) progress("cluster", 0, 0);
  const auto node_root =
      detail::cluster_graph(edges, copies.size, m.options.threshold,
                            m.options.strategy == ClusterStrategy::monolingual_first);
  std::vector<std::uint32_t> root;
  root.reserve(copies.group_of.size());
  for (const std::uint32_t node : copies.group_of) root.push_back(node_root[node]);
  ClusteringResult result;
  result.assignment = number_groups(root);
  if (progress) progress("summarize", 0, 0);
  result.stories =
      detail::summarize_stories(m.featurizer, result.assignment, m.meta,
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
    validate(options);
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
        it->sum.merge(g.sum);
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
    const auto horizon = detail::saturating_sub(now, detail::window_seconds(options.window_days));
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
  return detail::summarize_stories(impl_->featurizer, assignment, impl_->meta,
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

LinkExplanation detail::score_link(const Featurizer& featurizer, const DocFeatures& a,
                                   const DocFeatures& b, const ClusterOptions& options) {
  const SimilarityParts parts = similarity_parts(featurizer, a, b, options);
  LinkExplanation out;
  out.similarity = parts.total;
  out.content = parts.content;
  out.names = parts.names;
  out.time_factor = parts.time;
  return out;
}

}  // namespace crossnews
