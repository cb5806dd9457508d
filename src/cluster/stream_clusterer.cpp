#include <crossnews/clusterer.hpp>

#include <crossnews/error.hpp>
#include <crossnews/inverted_index.hpp>
#include <crossnews/model.hpp>

#include "cluster/detail/agglomerate.hpp"
#include "cluster/detail/doc_index.hpp"
#include "cluster/detail/model_options.hpp"
#include "cluster/detail/similarity.hpp"
#include "cluster/detail/story_builder.hpp"
#include "cluster/detail/stream_state.hpp"
#include "cluster/detail/stream_story.hpp"
#include "cluster/detail/time_window.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace crossnews {

using detail::ScatteredArticle;
using detail::similarity_parts;

namespace {
constexpr std::size_t kStreamReach = 8;  // see rank_stories()
}  // namespace

struct StreamClusterer::Impl {
  ClusterOptions options;
  const Analyzer& analyzer;
  const Lexicon* lexicon;
  Featurizer featurizer;
  // Titles of the articles whose story is not summarised yet (none kept when empty).
  absl::flat_hash_map<std::uint32_t, std::string> titles;

  using Story = detail::StreamStory;
  std::vector<Story> stories;
  std::vector<std::uint32_t> live;          // indices of the live stories (and of some merged away)
  std::vector<std::uint32_t> merged_into;   // union-find over story indices
  std::vector<std::uint32_t> story_of_doc;  // story index at the time of assignment
  // The articles of live stories, keyed by their number in adding order: an article is scored
  // against a story by its nearest articles there, as batch links articles.
  InvertedIndex index;
  std::vector<std::uint32_t> indexed;  // the keys in `index`
  std::vector<MergeEvent> merges;
  std::int64_t now = std::numeric_limits<std::int64_t>::min();
  std::size_t since_eviction = 0;
  std::unique_ptr<QueryScratch, void (*)(QueryScratch*)> scratch = InvertedIndex::make_scratch();
  ScatteredArticle scattered;  // the article being added, to score it against its neighbours

  Impl(const Analyzer& a, const Lexicon* l, ClusterOptions o)
      : options(o), analyzer(a), lexicon(l), featurizer(a, l, o.features) {
    validate(options);
    if (options.dense_map.enabled) {
      throw ConfigError("DenseMapOptions::enabled: the learned cross-lingual map is learned from "
                        "a first clustering of the whole corpus; stream mode cannot use it");
    }
  }

  // Every member a saved state holds (save / load), in file order. The index is not saved: it
  // is rebuilt from `indexed` in its order, which is the order the articles went in. Titles go
  // by article number, in that order.
  void save(detail::StateWriter& out) const {
    std::vector<std::pair<std::uint32_t, std::string_view>> sorted(titles.begin(), titles.end());
    std::sort(sorted.begin(), sorted.end());
    out(featurizer, sorted, stories, live, merged_into, story_of_doc, indexed, merges, now,
        since_eviction);
  }
  void load(detail::StateReader& in) {
    std::vector<std::pair<std::uint32_t, std::string>> sorted;
    in(featurizer, sorted, stories, live, merged_into, story_of_doc, indexed, merges, now,
       since_eviction);
    for (auto& [doc, title] : sorted) {
      in.check_index(doc, featurizer.size(), "title");
      titles.emplace(doc, std::move(title));
    }
  }

  // After load: checks what add() relies on (FormatError), then indexes the live articles.
  void rebuild_index(detail::StateReader& in) {
    const std::size_t docs = featurizer.size();
    if (story_of_doc.size() != docs || merged_into.size() != stories.size()) {
      in.fail("stories", "do not match the documents");
    }
    for (std::uint32_t s = 0; s < stories.size(); ++s) {
      // A story merges into an older one only, so find() ends.
      if (merged_into[s] > s) in.fail("merges", "point to a newer story");
      for (const auto doc : stories[s].joined) in.check_index(doc, docs, "story member");
      std::uint32_t after = 0;
      for (const auto& a : stories[s].absorbed) {
        // Replays end: a story absorbs newer ones only, each once, in the order they came.
        if (a.story <= s || a.story >= stories.size() || merged_into[a.story] != s ||
            a.after_joined < after || a.after_joined > stories[s].joined.size()) {
          in.fail("merged stories", "do not match the merges");
        }
        after = a.after_joined;
      }
    }
    for (const auto s : story_of_doc) in.check_index(s, stories.size(), "story of a document");
    for (const auto s : live) in.check_index(s, stories.size(), "live story");
    std::uint32_t previous = 0;
    for (std::size_t i = 0; i < indexed.size(); ++i) {
      in.check_index(indexed[i], docs, "indexed article");
      if (i > 0 && indexed[i] <= previous) in.fail("indexed articles", "are not in adding order");
      previous = indexed[i];
      if (featurizer.released(DocId{indexed[i]})) in.fail("indexed article", "was released");
      const DocFeatures& doc = featurizer.features(DocId{indexed[i]});
      index.insert(indexed[i], doc.vector, doc.time);
    }
  }

  std::uint32_t find(std::uint32_t s) const {
    while (merged_into[s] != s) s = merged_into[s];
    return s;
  }

  void join(std::uint32_t story, const DocFeatures& doc) {
    auto& s = stories[story];
    s.last_arrival = story_of_doc.size();
    s.joined.push_back(static_cast<std::uint32_t>(story_of_doc.size()));
    ++s.members;
    s.views_stale = true;
    if (doc.time) s.last_time = s.last_time ? std::max(*s.last_time, *doc.time) : *doc.time;
  }

  // Only merges read the centroids, and a story merged away or retired takes part in none.
  void end_story(std::uint32_t story) {
    std::vector<detail::LanguageView>().swap(stories[story].views);
    stories[story].live = false;
  }

  void merge(std::uint32_t keep, std::uint32_t gone) {
    merges.push_back({stories[gone].id, stories[keep].id, stories[keep].last_time});
    Story& g = stories[gone];
    Story& k = stories[keep];
    if (g.last_time)
      k.last_time = k.last_time ? std::max(*k.last_time, *g.last_time) : *g.last_time;
    k.last_arrival = std::max(k.last_arrival, g.last_arrival);
    k.members += g.members;
    k.views_stale = true;
    k.absorbed.push_back({gone, static_cast<std::uint32_t>(k.joined.size())});
    end_story(gone);
    merged_into[gone] = keep;
  }

  // Whether two stories are alike in themselves, not only through the article that links both
  // (a bridging article alone would chain stories, as single linkage does): the mean similarity
  // of their members, each language's centroid standing for its articles, at the threshold.
  bool alike(std::uint32_t a, std::uint32_t b) {
    for (const auto s : {a, b}) {
      if (!stories[s].views_stale) continue;
      stories[s].views =
          detail::language_views(stories, s, featurizer, options.features.weighting.top_k);
      stories[s].views_stale = false;
    }
    double sum = 0.0, pairs = 0.0;
    for (const auto& ca : stories[a].views) {
      for (const auto& cb : stories[b].views) {
        const double n = double(ca.members) * double(cb.members);
        sum += n * ca.coherence * cb.coherence *
               similarity_parts(featurizer, ca.view, cb.view, options).total;
        pairs += n;
      }
    }
    return pairs > 0.0 && sum >= options.threshold * pairs;
  }

  void evict_idle() {
    if (options.window_days <= 0.0 || now == std::numeric_limits<std::int64_t>::min()) return;
    const auto horizon = detail::saturating_sub(now, detail::window_seconds(options.window_days));
    const std::size_t arrivals = story_of_doc.size();
    const auto idle = [&](std::optional<std::int64_t> time, std::size_t arrival) {
      return time && *time < horizon && arrivals - arrival > options.late_articles;
    };
    std::vector<std::uint32_t> retiring;
    std::erase_if(live, [&](std::uint32_t s) {
      if (!stories[s].live) return true;  // merged away
      if (!idle(stories[s].last_time, stories[s].last_arrival)) return false;
      retiring.push_back(s);
      return true;
    });
    // An article leaves with its story at the latest: its time and arrival are no later.
    std::erase_if(indexed, [&](std::uint32_t doc) {
      if (!idle(featurizer.features(DocId{doc}).time, doc)) return false;
      index.remove(doc);
      return true;
    });
    retire(retiring);
  }

  // Summarises stories that leave for good, then lets their articles go: all of them but those
  // without a time, which stay in the index (and so are scored) as long as the stream runs.
  void retire(std::span<const std::uint32_t> retiring) {
    if (retiring.empty()) return;
    std::vector<detail::StoryMembers> groups;
    for (const auto s : retiring) {
      groups.push_back({stories[s].id, detail::story_members(stories, s)});
    }
    const auto summaries = detail::summarize_groups(featurizer, groups, member_text(),
                                                    options.features.threads);
    for (std::size_t i = 0; i < retiring.size(); ++i) {
      stories[retiring[i]].summary = detail::pack_summary(summaries[i]);
      end_story(retiring[i]);
      for (const auto doc : groups[i].docs) {
        if (index.contains(doc)) continue;
        titles.erase(static_cast<std::uint32_t>(doc));
        // Explanations (describe_story, explain_link) need every article: kept ones stay.
        if (!featurizer.keeps_articles()) featurizer.release(detail::doc_id(doc));
      }
    }
  }

  detail::MemberTextOf member_text() const {
    return [this](std::size_t doc) {
      const auto title = titles.find(static_cast<std::uint32_t>(doc));
      return detail::MemberText{featurizer.id(DocId{static_cast<std::uint32_t>(doc)}),
                                title == titles.end() ? std::string_view{} : title->second};
    };
  }

  // Every story in the order of stories(), summarised a block at a time: the summaries of an
  // endless stream's stories need not all be in memory at once.
  void visit_summaries(const std::function<void(const StorySummary&)>& visit) const {
    std::vector<std::uint32_t> roots;  // merged-away stories are counted where they went
    for (std::uint32_t s = 0; s < stories.size(); ++s) {
      if (merged_into[s] == s) roots.push_back(s);
    }
    std::sort(roots.begin(), roots.end(), [&](std::uint32_t a, std::uint32_t b) {
      const Story &x = stories[a], &y = stories[b];
      return x.members != y.members ? x.members > y.members : x.id < y.id;
    });
    constexpr std::size_t kBlock = 256;
    for (std::size_t begin = 0; begin < roots.size(); begin += kBlock) {
      const auto block = std::span(roots).subspan(begin, std::min(kBlock, roots.size() - begin));
      std::vector<detail::StoryMembers> live_groups;
      for (const auto s : block) {
        if (!stories[s].live) continue;
        live_groups.push_back({stories[s].id, detail::story_members(stories, s)});
      }
      const auto live_summaries = detail::summarize_groups(featurizer, live_groups, member_text(),
                                                           options.features.threads);
      auto next_live = live_summaries.begin();
      for (const auto s : block) {
        if (stories[s].live) {
          visit(*next_live++);
          continue;
        }
        StorySummary summary = detail::unpack_summary(stories[s].summary);
        summary.id = stories[s].id;
        for (const auto doc : detail::story_members(stories, s)) {
          summary.member_ids.emplace_back(featurizer.id(detail::doc_id(doc)));
        }
        summary.size = summary.member_ids.size();
        visit(summary);
      }
    }
  }

  // Each live story the article's nearest articles belong to, with the sum of their similarities
  // over the story's size: the mean similarity to its members, those not among the neighbours
  // counting 0, as batch's average linkage counts pairs without an edge (so one close article
  // cannot pull the next into a story it is otherwise unlike: no chaining). Best first.
  std::vector<std::pair<float, std::uint32_t>> rank_stories(const DocFeatures& doc) {
    IndexQuery q =
        detail::window_query(doc, options, options.neighbours, options.candidate_min_score);
    // Per term, the postings of the articles that came last, as batch reads those nearest in
    // time: a stream's order of arrival is exact where its times are not, and it bounds the cost
    // of a query by the cap, not by the window. A story is ranked by its members among the
    // neighbours, so it needs more of a story's older members than a batch pair link does (a
    // cap of 150 cost 0.04 B-cubed F1 on 30k synthetic articles): it reads kStreamReach times
    // as many.
    if (!indexed.empty()) {
      q.anchor = indexed.back();
      q.nearest_per_term = kStreamReach * options.postings_per_term;
      q.nearest_by_insertion = true;
    }
    // Batch links a pair when either article finds the other; here only the newer one looks, so
    // it looks with twice the terms.
    std::vector<Hit> hits, xl_hits;
    detail::find_candidates(index, featurizer, doc, q, 2 * options.query_terms, *scratch, hits,
                            xl_hits);
    scattered.set(featurizer, doc);
    std::vector<std::pair<float, std::uint32_t>> ranked;  // (similarity sum, story)
    for (const Hit& h : hits) {
      // An article without a time stays in the index after its story (with times) retired.
      const std::uint32_t story = find(story_of_doc[h.key]);
      if (!stories[story].live) continue;
      // Weighed again with this article counted, as batch weighs both; a near-copy counts as
      // one with it, as batch groups near-copies whatever their similarity.
      const DocFeatures& other = featurizer.weighed_again(DocId{h.key});
      const auto parts = scattered.similarity(other, options);
      const bool copy =
          other.lang_slot == doc.lang_slot && parts.overlap >= detail::kNearCopyOverlap;
      const float s = copy ? 1.0f : parts.total;
      if (s > 0.0f) ranked.emplace_back(s, story);
    }
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& x, const auto& y) { return x.second < y.second; });
    std::vector<std::pair<float, std::uint32_t>> mean;
    for (std::size_t i = 0; i < ranked.size();) {
      const std::uint32_t story = ranked[i].second;
      double sum = 0.0;
      for (; i < ranked.size() && ranked[i].second == story; ++i) sum += ranked[i].first;
      // The query returns `neighbours` articles per part: a story of more copies than that
      // counts as many as could have been found, so copies keep together at any count.
      const auto counted = std::min(stories[story].members, options.neighbours);
      mean.emplace_back(static_cast<float>(sum / double(counted)), story);
    }
    std::sort(mean.begin(), mean.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    return mean;
  }

  // Assigns an article the featurizer holds as document `doc` (every earlier one assigned).
  ClusterId assign(const Article& article, std::size_t doc_index) {
    if (article.time && *article.time > now) now = *article.time;
    if (++since_eviction >= 256) {
      since_eviction = 0;
      evict_idle();
    }
    const DocFeatures& doc = featurizer.features(detail::doc_id(doc_index));
    if (!article.title.empty()) {
      titles.emplace(static_cast<std::uint32_t>(doc_index), article.title);
    }
    const auto ranked = rank_stories(doc);

    std::uint32_t target;
    if (!ranked.empty() && ranked.front().first >= options.threshold) {
      target = ranked.front().second;
    } else {
      target = static_cast<std::uint32_t>(stories.size());
      stories.emplace_back().id = ClusterId(target + 1);
      merged_into.push_back(target);
      live.push_back(target);
    }
    join(target, doc);
    const auto key = static_cast<std::uint32_t>(story_of_doc.size());
    story_of_doc.push_back(target);
    index.insert(key, doc.vector, doc.time);
    indexed.push_back(key);
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
StreamClusterer::StreamClusterer(const Model& model, ClusterOptions options)
    : StreamClusterer(model.analyzer(), &model.lexicon(), detail::with_background(model, options)) {
}

ClusterId StreamClusterer::add(const Article& article) {
  impl_->featurizer.featurize_one(article);
  return impl_->assign(article, impl_->featurizer.size() - 1);
}

std::vector<ClusterId> StreamClusterer::add(std::span<const Article> articles) {
  auto& featurizer = impl_->featurizer;
  std::vector<ClusterId> ids;
  ids.reserve(articles.size());
  // Analysed a chunk at a time: an analysed article holds tens of KB until it is featurized, so
  // a whole batch of them would cost hundreds of MB.
  constexpr std::size_t kChunk = 512;
  for (std::size_t begin = 0; begin < articles.size(); begin += kChunk) {
    const auto chunk = articles.subspan(begin, std::min(kChunk, articles.size() - begin));
    const std::size_t first = featurizer.size();
    featurizer.analyze_ahead(chunk);
    // Each article is assigned before the next is featurized: interning a term can change what
    // earlier terms count as (a concept a name maps to becomes a name).
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      featurizer.featurize_analyzed(i);
      ids.push_back(impl_->assign(chunk[i], first + i));
    }
  }
  return ids;
}

std::vector<StorySummary> StreamClusterer::stories() const {
  std::vector<StorySummary> out;
  impl_->visit_summaries([&](const StorySummary& s) { out.push_back(s); });
  return out;
}

void StreamClusterer::for_each_story(const std::function<void(const StorySummary&)>& visit) const {
  impl_->visit_summaries(visit);
}

std::vector<ClusterId> StreamClusterer::assignment() const { return impl_->assignment(); }
const std::vector<MergeEvent>& StreamClusterer::merges() const { return impl_->merges; }

void StreamClusterer::save(std::ostream& out) const {
  std::string payload;
  detail::StateWriter writer(payload);
  detail::write_options(writer, impl_->analyzer.options(), impl_->options);
  impl_->save(writer);
  detail::write_snapshot(out, detail::kStreamStateKind, payload);
}

StreamClusterer StreamClusterer::load(std::istream& in, const Analyzer& analyzer,
                                      const Lexicon* lexicon, ClusterOptions options) {
  const std::string payload = detail::read_snapshot(in, detail::kStreamStateKind);
  detail::StateReader reader(payload);
  detail::check_options(reader, analyzer.options(), options);
  StreamClusterer loaded(analyzer, lexicon, options);
  loaded.impl_->load(reader);
  if (reader.remaining() != 0) reader.fail("payload", "has trailing bytes");
  loaded.impl_->rebuild_index(reader);
  return loaded;
}

const Featurizer& StreamClusterer::featurizer() const { return impl_->featurizer; }

std::size_t StreamClusterer::live_stories() const {
  return static_cast<std::size_t>(std::count_if(impl_->live.begin(), impl_->live.end(),
                                                [&](auto s) { return impl_->stories[s].live; }));
}

}  // namespace crossnews
