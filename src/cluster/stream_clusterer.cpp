#include <crossnews/clusterer.hpp>

#include <crossnews/inverted_index.hpp>

#include "cluster/detail/similarity.hpp"
#include "cluster/detail/story_builder.hpp"
#include "cluster/detail/time_window.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crossnews {

using detail::ScatteredArticle;
using detail::similarity_parts;

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
    // Norm of the members' mean: similarity to the unit centroid times this is the mean
    // similarity to the members (average linkage, as in batch), so a story grown mixed no
    // longer attracts everything its centroid drifted towards.
    float coherence = 1.0f;
  };
  struct Story {
    ClusterId id;
    std::vector<LanguageCentroid> centroids;
    std::optional<std::int64_t> last_time;
    bool live = true;
    std::size_t last_arrival = 0;  // number of articles added when it was last joined
  };
  std::vector<Story> stories;
  std::vector<std::uint32_t> merged_into;   // union-find over story indices
  std::vector<std::uint32_t> story_of_doc;  // story index at the time of assignment
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
    lc.coherence = static_cast<float>(lc.sum.mean_norm());
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
    s.last_arrival = story_of_doc.size();
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
    k.last_arrival = std::max(k.last_arrival, stories[gone].last_arrival);
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
    double sum = 0.0, pairs = 0.0;
    for (const auto& ca : stories[a].centroids) {
      for (const auto& cb : stories[b].centroids) {
        const double n = double(ca.sum.members()) * double(cb.sum.members());
        sum += n * ca.coherence * cb.coherence *
               similarity_parts(featurizer, ca.view, cb.view, options).total;
        pairs += n;
      }
    }
    return pairs > 0.0 && sum >= options.threshold * pairs;
  }

  // The article's mean similarity to the story's members, each language's centroid standing for
  // its members (the scattered article must be set).
  float mean_similarity(std::uint32_t story) const {
    double sum = 0.0, members = 0.0;
    for (const auto& c : stories[story].centroids) {
      const double n = double(c.sum.members());
      sum += n * c.coherence * scattered.similarity(c.view, options).total;
      members += n;
    }
    return members > 0.0 ? static_cast<float>(sum / members) : 0.0f;
  }

  // Feeds arrive late and out of order (one source's backlog, a language edition hours behind):
  // a story idle past the window stays until this many articles have arrived since it was last
  // joined, so a late article still finds it. Memory stays bounded by the count.
  static constexpr std::size_t kLateArrivals = 4096;

  void evict_idle() {
    if (options.window_days <= 0.0 || now == std::numeric_limits<std::int64_t>::min()) return;
    const auto horizon = detail::saturating_sub(now, detail::window_seconds(options.window_days));
    const std::size_t arrivals = story_of_doc.size();
    for (std::uint32_t s = 0; s < stories.size(); ++s) {
      const Story& story = stories[s];
      if (story.live && story.last_time && *story.last_time < horizon &&
          arrivals - story.last_arrival > kLateArrivals) {
        retire(s);
      }
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
    IndexQuery q =
        detail::window_query(doc, options, 4 * options.neighbours, options.candidate_min_score);
    std::vector<Hit> hits, xl_hits;
    index.query(doc.vector, q, *scratch, hits);
    index.query(detail::crosslingual_part(featurizer, doc.vector), q, *scratch, xl_hits);
    hits.insert(hits.end(), xl_hits.begin(), xl_hits.end());
    std::vector<std::uint32_t> candidates;
    for (const Hit& h : hits) candidates.push_back(key_owner[h.key].first);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    scattered.fit(featurizer.vocabulary().size());
    scattered.set(featurizer, doc);
    std::vector<std::pair<float, std::uint32_t>> ranked;
    for (const auto story : candidates) ranked.emplace_back(mean_similarity(story), story);
    scattered.clear();
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

}  // namespace crossnews
