#include <crossnews/clusterer.hpp>

#include <crossnews/crosslingual_map.hpp>
#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>
#include <crossnews/model.hpp>

#include "cluster/detail/agglomerate.hpp"
#include "cluster/detail/duplicates.hpp"
#include "cluster/detail/model_options.hpp"
#include "cluster/detail/parallel.hpp"
#include "cluster/detail/similarity.hpp"
#include "cluster/detail/story_builder.hpp"
#include "cluster/detail/time_window.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <numeric>

namespace crossnews {
namespace {

using detail::ScatteredArticle;
using detail::SimilarityParts;

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

// One clustering of a featurized corpus: candidate edges from an inverted index, then
// agglomeration. Reads the featurizer only, so one corpus can be clustered many times.
struct BatchRun {
  const Featurizer& featurizer;
  const ClusterOptions& options;

  using Edge = detail::CandidateEdge;

  // What one linking thread works with: its query buffers and the edges it found.
  struct LinkWorker {
    std::unique_ptr<QueryScratch, void (*)(QueryScratch*)> scratch = InvertedIndex::make_scratch();
    ScatteredArticle article;
    std::vector<Hit> hits, xl_hits;
    std::vector<const DocFeatures*> neighbours;  // the hits' features
    std::vector<Edge> edges;
  };

  // `representative`: the article each node of the graph is linked through.
  std::vector<Edge> candidate_edges(std::span<const std::uint32_t> representative,
                                    const ProgressCallback& progress) {
    const std::size_t n = representative.size();
    if (n >= Edge::kMaxNodes) {
      throw ConfigError("batch clustering: more than " + std::to_string(Edge::kMaxNodes - 1) +
                        " distinct articles");
    }
    if (progress) progress("link", 0, n);
    const auto doc = [&](std::uint32_t node) -> const DocFeatures& {
      return featurizer.features(DocId{representative[node]});
    };
    // Inserted in time order, the index cuts each posting list to a query's window (see
    // inverted_index.cpp); articles without time come first, in corpus order.
    std::vector<std::uint32_t> by_time(n);
    std::iota(by_time.begin(), by_time.end(), 0u);
    std::stable_sort(by_time.begin(), by_time.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return doc(x).time < doc(y).time; });
    InvertedIndex index;
    reserve_lists(index, by_time, doc);
    for (const std::uint32_t node : by_time) index.insert(node, doc(node).vector, doc(node).time);
    const std::size_t workers = detail::worker_count(options.features.threads, n);
    // Each worker's buffers live across the chunks: its scratch is as large as the index, and
    // refilling it per chunk would cost more than the chunk's queries.
    std::vector<LinkWorker> per_worker(workers);
    // Chunks of at most 8192 articles, and at least 64 of them on a large corpus, so progress moves
    // steadily; each chunk costs one start of the workers.
    const std::size_t chunk = std::clamp<std::size_t>(n / 64, 256, 8192);
    std::vector<std::vector<Edge>> chunks;
    for (std::size_t start = 0; start < n; start += chunk) {
      const std::size_t stop = std::min(n, start + chunk);
      detail::parallel_for(
          stop - start, workers, [&](std::size_t worker, std::size_t begin, std::size_t end) {
            for (std::size_t i = start + begin; i < start + end; ++i) {
              collect(index, representative, static_cast<std::uint32_t>(i), per_worker[worker]);
            }
          });
      std::vector<Edge>& gathered = chunks.emplace_back();
      std::size_t found = 0;
      for (const auto& w : per_worker) found += w.edges.size();
      gathered.reserve(found);
      for (auto& w : per_worker) {
        gathered.insert(gathered.end(), w.edges.begin(), w.edges.end());
        w.edges.clear();
      }
      if (progress) progress("link", stop, n);
    }
    return sorted_edges(n, chunks, workers);
  }

  // Gives each posting list its final length before the nodes are inserted, in the order the
  // insertions would make the lists.
  template <class DocOf>
  void reserve_lists(InvertedIndex& index, std::span<const std::uint32_t> nodes,
                     const DocOf& doc) const {
    std::vector<std::uint32_t> postings(featurizer.vocabulary().size(), 0);
    for (const std::uint32_t node : nodes) {
      for (const SparseEntry& e : doc(node).vector.entries()) {
        if (e.weight != 0.0f) ++postings[e.term.value()];
      }
    }
    for (const std::uint32_t node : nodes) {
      for (const SparseEntry& e : doc(node).vector.entries()) {
        if (postings[e.term.value()] == 0) continue;
        index.reserve(e.term, postings[e.term.value()]);
        postings[e.term.value()] = 0;
      }
    }
  }

  // The chunks' edges in one array sorted by (a, b), each pair once. A counting sort on ranges
  // of `a` places them, freeing each chunk as it goes (the edges are held once, not twice: about
  // a gigabyte at 1M articles), and each range is then sorted on a worker of its own. Both
  // articles of a pair may find the other: their two edges are the same, so which one is kept
  // does not matter.
  static std::vector<Edge> sorted_edges(std::size_t nodes, std::vector<std::vector<Edge>>& chunks,
                                        std::size_t workers) {
    const std::size_t ranges = 16 * workers;
    const auto range_of = [&](const Edge& e) { return std::size_t{e.a} * ranges / nodes; };
    std::vector<std::size_t> offset(ranges + 1, 0);
    for (const auto& c : chunks) {
      for (const Edge& e : c) ++offset[range_of(e) + 1];
    }
    for (std::size_t r = 0; r < ranges; ++r) offset[r + 1] += offset[r];
    std::vector<Edge> edges(offset.back());
    std::vector<std::size_t> next(offset.begin(), offset.end() - 1);
    for (auto& c : chunks) {
      for (const Edge& e : c) edges[next[range_of(e)]++] = e;
      std::vector<Edge>().swap(c);
    }
    const auto by_pair = [](const Edge& x, const Edge& y) { return x.pair() < y.pair(); };
    detail::parallel_for(ranges, workers, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; ++r) {
        std::sort(edges.begin() + static_cast<std::ptrdiff_t>(offset[r]),
                  edges.begin() + static_cast<std::ptrdiff_t>(offset[r + 1]), by_pair);
      }
    });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& x, const Edge& y) { return x.pair() == y.pair(); }),
                edges.end());
    return edges;
  }

  // How many neighbours ahead collect() starts reading a neighbour's vector.
  static constexpr std::size_t kFetchAhead = 4;

  void collect(const InvertedIndex& index, std::span<const std::uint32_t> representative,
               std::uint32_t node, LinkWorker& w) const {
    const DocFeatures& d = featurizer.features(DocId{representative[node]});
    IndexQuery q =
        detail::window_query(d, options, options.neighbours, options.candidate_min_score);
    q.exclude = node;
    // Without times the corpus order bounds the postings read per term, as time does.
    q.anchor = node;
    q.nearest_per_term = options.postings_per_term;
    std::vector<Hit>& hits = w.hits;
    detail::find_candidates(index, featurizer, d, q, options.query_terms, *w.scratch, hits,
                            w.xl_hits);
    w.article.set(featurizer, d);
    // The neighbours' features are scattered over the heap: every address is taken (and its
    // header fetched) first, and each vector's first lines are fetched a few neighbours ahead,
    // so the cache misses overlap instead of coming one after another.
    std::vector<const DocFeatures*>& others = w.neighbours;
    others.clear();
    for (const Hit& h : hits) {
      others.push_back(&featurizer.features(DocId{representative[h.key]}));
      __builtin_prefetch(others.back());
    }
    for (std::size_t i = 0; i < hits.size(); ++i) {
      if (i + kFetchAhead < others.size()) {
        const auto ahead = others[i + kFetchAhead]->vector.entries();
        __builtin_prefetch(ahead.data());
        __builtin_prefetch(ahead.data() + 8);
      }
      const DocFeatures& other = *others[i];
      const SimilarityParts parts = w.article.similarity(other, options);
      if (parts.total <= 0.0f) continue;
      const std::uint32_t key = hits[i].key;
      w.edges.push_back({std::min(node, key), std::max(node, key), d.lang_slot == other.lang_slot,
                         parts.total, parts.overlap});
    }
  }

  // Each article's story over the graph of copy groups.
  std::vector<ClusterId> cluster_edges(std::vector<Edge> edges,
                                       const detail::DuplicateGroups& copies) const {
    const auto node_root = detail::cluster_graph(
        std::move(edges), copies.size, options.threshold,
        options.strategy == ClusterStrategy::monolingual_first, options.features.threads);
    std::vector<std::uint32_t> root;
    root.reserve(copies.group_of.size());
    for (const std::uint32_t node : copies.group_of) root.push_back(node_root[node]);
    return number_groups(root);
  }

  // Each cross-lingual edge's similarity with the learned map mixed in; each edge is written by
  // one worker from its two articles alone, so any thread count gives the same edges.
  void rescore_crosslingual(std::vector<Edge>& edges, std::span<const std::uint32_t> representative,
                            const CrosslingualMap& map) const {
    const std::size_t workers = detail::worker_count(options.features.threads, edges.size());
    detail::parallel_for(edges.size(), workers, [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        Edge& e = edges[i];
        if (e.same_language) continue;
        const DocFeatures& a = featurizer.features(DocId{representative[e.a]});
        const DocFeatures& b = featurizer.features(DocId{representative[e.b]});
        e.similarity = detail::similarity_parts(featurizer, a, b, options, &map).total;
      }
    });
  }

  ClusteringResult run(std::span<const detail::ArticleMeta> meta,
                       const ProgressCallback& progress) {
    const auto copies = detail::group_exact_duplicates(
        featurizer, options.window_days > 0.0 ? detail::window_seconds(options.window_days) : 0);
    auto edges = candidate_edges(copies.representative, progress);
    if (options.dense_map.enabled) {
      // The map learns from a first clustering on the same edges, then scores their
      // cross-lingual ones again.
      if (progress) progress("learn", 0, 0);
      const auto first = cluster_edges(edges, copies);
      const auto map = CrosslingualMap::learn(featurizer, first, options);
      rescore_crosslingual(edges, copies.representative, map);
    }
    if (progress) progress("cluster", 0, 0);
    ClusteringResult result;
    result.assignment = cluster_edges(std::move(edges), copies);
    if (progress) progress("summarize", 0, 0);
    result.stories =
        detail::summarize_stories(featurizer, result.assignment, meta, options.features.threads);
    return result;
  }
};

ClusteringResult cluster_featurized(const Featurizer& featurizer, const ClusterOptions& options,
                                    std::span<const detail::ArticleMeta> meta,
                                    const ProgressCallback& progress) {
  validate(options);
  if (!featurizer.finished()) {
    throw ConfigError(
        "cluster_batch: the featurizer's articles are not weighed yet; call finish()");
  }
  return BatchRun{featurizer, options}.run(meta, progress);
}

}  // namespace

struct BatchClusterer::Impl {
  ClusterOptions options;
  Featurizer featurizer;
  std::vector<detail::ArticleMeta> meta;
  bool ran = false;

  Impl(const Analyzer& analyzer, const Lexicon* lexicon, ClusterOptions o)
      : options(o), featurizer(analyzer, lexicon, o.features) {
    validate(options);
  }
};

BatchClusterer::BatchClusterer(const Analyzer& analyzer, const Lexicon* lexicon,
                               ClusterOptions options)
    : impl_(std::make_unique<Impl>(analyzer, lexicon, options)) {}
BatchClusterer::BatchClusterer(const Model& model, ClusterOptions options)
    : BatchClusterer(model.analyzer(), &model.lexicon(), detail::with_background(model, options)) {}

void BatchClusterer::add(std::span<const Article> articles) {
  if (impl_->ran) {
    throw ConfigError(
        "BatchClusterer::add after run(): a batch clusterer clusters one corpus; "
        "use a new one for more articles");
  }
  impl_->featurizer.add(articles);
  for (const auto& a : articles) impl_->meta.push_back({a.id, a.title});
}

DocumentFrequencies BatchClusterer::frequencies_of(std::span<const DocId> docs) {
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
  return cluster_featurized(m.featurizer, m.options, m.meta, progress);
}

ClusteringResult BatchClusterer::cluster(const ClusterOptions& options,
                                         const ProgressCallback& progress) const {
  if (!impl_->ran) throw ConfigError("BatchClusterer::cluster: call run() first");
  return cluster_featurized(impl_->featurizer, options, impl_->meta, progress);
}

ClusteringResult cluster_batch(const Featurizer& featurizer, const ClusterOptions& options,
                               const ProgressCallback& progress) {
  std::vector<detail::ArticleMeta> meta(featurizer.size());
  for (std::uint32_t doc = 0; doc < meta.size(); ++doc) {
    meta[doc].id = featurizer.id(DocId{doc});
    if (featurizer.keeps_articles()) meta[doc].title = featurizer.title(DocId{doc});
  }
  return cluster_featurized(featurizer, options, meta, progress);
}

const Featurizer& BatchClusterer::featurizer() const { return impl_->featurizer; }

}  // namespace crossnews
