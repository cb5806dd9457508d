#pragma once
// A StreamClusterer's stories: what each holds, the articles it gathered (its own and those of the
// stories merged into it), and its language centroids, which only merges compare.
//
// A story does not keep the running sums of its centroids: summed by term in double, over every
// term any member has, they cost more memory than the members' vectors themselves, and only the
// rare merge decision reads them. A story keeps the order in which articles joined it and stories
// merged into it instead, and the sums are replayed from its members' vectors when a merge must be
// judged: the same additions in the same order, so the same sums to the bit.

#include <crossnews/clusterer.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/strong_id.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crossnews::detail {

/// One language of a story as a merge compares it: its normalised centroid, compared like an
/// article, and the norm of its members' mean (similarity to the unit centroid times this is the
/// mean similarity to the members).
struct LanguageView {
  LangSlot lang_slot;
  std::size_t members = 0;
  DocFeatures view;
  float coherence = 1.0f;
};

struct StreamStory {
  ClusterId id;
  std::optional<std::int64_t> last_time;
  bool live = true;
  std::size_t last_arrival = 0;  // number of articles added when it was last joined
  std::size_t members = 0;
  // The articles that joined it, in order (not those of stories merged into it).
  std::vector<std::uint32_t> joined{};
  // Stories merged into it, each with how many articles had joined it then.
  struct Absorbed {
    std::uint32_t story;
    std::uint32_t after_joined;
  };
  std::vector<Absorbed> absorbed{};
  // Once retired: its summary but for id and members (pack_summary), made then, so that its
  // articles' features can go.
  std::string summary{};
  // Its language centroids while they are up to date (not saved: replayed when needed).
  std::vector<LanguageView> views{};
  bool views_stale = true;

  template <class Io, class Self>
  static void fields(Io& io, Self& s) {
    io(s.id, s.last_time, s.live, s.last_arrival, s.members, s.joined, s.absorbed, s.summary);
  }
};

template <class Io, class A>
  requires std::same_as<std::remove_const_t<A>, StreamStory::Absorbed>
void fields(Io& io, A& a) {
  io(a.story, a.after_joined);
}

/// The articles of `story` and of the stories merged into it, in adding order.
[[nodiscard]] std::vector<std::size_t> story_members(std::span<const StreamStory> stories,
                                                     std::uint32_t story);

/// The language centroids of `story` (and of what merged into it), as joins and merges built
/// them; the members' features must be held.
[[nodiscard]] std::vector<LanguageView> language_views(std::span<const StreamStory> stories,
                                                       std::uint32_t story,
                                                       const Featurizer& featurizer,
                                                       std::size_t top_k);

}  // namespace crossnews::detail
