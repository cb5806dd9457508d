#pragma once
// German compound splitting against a word list ("Regierungsbehörden" -> regierung|behörden).
//
// Method: dynamic programming over the code-point boundaries of the folded word. best[k] is the
// best split of the first k code points; a piece w[j,k) extends best[j] when it is a known part:
//  - a non-final piece is a listed word, or a listed word plus a linking element (Fugenelement
//    -s, -es, -n, -en, -e: "regierungs" -> "regierung"), or a listed word minus a final -n, -e or
//    -en (subtractive linking: "werbe" from "werben", "schul" from "schule");
//  - the final piece (the head, which carries the inflection) is a listed word or has the Snowball
//    stem of one ("behörden" ~ "behörde"), so inflected heads split without listing every form.
// Parts are at least `min_part` code points and never stopwords (function words cause most false
// splits: "mit|teilung", "ein|satz"). Among the splits into two or more parts the fewest parts win,
// then the largest sum of squared part lengths, which prefers long known parts over short ones.
// Parts are returned as written in the word, linking elements removed.

#include "analysis/detail/language.hpp"

#include <absl/functional/function_ref.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::detail {

/// The German word list of the decompounder. Immutable once built; `split` is thread-safe when
/// each thread passes its own stemmer.
class Decompounder {
 public:
  using StemFn = absl::FunctionRef<std::string_view(std::string_view)>;

  /// Adds a folded word and its stem.
  void add(std::string folded, std::string_view stem);
  [[nodiscard]] bool contains(std::string_view folded) const { return words_.contains(folded); }
  [[nodiscard]] bool contains_stem(std::string_view stem) const { return stems_.contains(stem); }
  [[nodiscard]] std::size_t size() const { return words_.size(); }

  /// Splits folded `word` into `parts` (views into `word`); false, with `parts` empty, when no
  /// split into two or more known parts exists. `stopwords` may be null.
  bool split(std::string_view word, const WordSet* stopwords, std::size_t min_part, StemFn stem,
             std::vector<std::string_view>& parts) const;

 private:
  [[nodiscard]] bool is_part(std::string_view piece, const WordSet* stopwords) const;
  /// Bytes of linking element to drop when `piece` is acceptable as a non-final part, or -1.
  [[nodiscard]] int linking_strip(std::string_view piece, const WordSet* stopwords,
                                  std::size_t min_part) const;

  WordSet words_;
  WordSet stems_;
};

}  // namespace crossnews::detail
