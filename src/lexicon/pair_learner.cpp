// Learned links of the keyword map: co-occurrence over linked article pairs (PairLearner) and
// spelling similarity (find_cognates).

#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include "lexicon/detail/text.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <tuple>

namespace crossnews {
namespace {

bool pair_order(const LearnedPair& x, const LearnedPair& y) {
  if (x.score != y.score) return x.score > y.score;
  return std::tie(x.lang_a, x.lang_b, x.term_a, x.term_b) <
         std::tie(y.lang_a, y.lang_b, y.term_a, y.term_b);
}

}  // namespace

// --- PairLearner -----------------------------------------------------------------------------

struct PairLearner::Impl {
  /// Counts for one language pair (lang_a < lang_b).
  struct LanguagePair {
    std::string lang_a, lang_b;
    std::uint32_t observations = 0;
    absl::flat_hash_map<std::uint32_t, std::uint32_t> count_a;  // article pairs with term a
    absl::flat_hash_map<std::uint32_t, std::uint32_t> count_b;
    absl::flat_hash_map<std::uint64_t, std::uint32_t> together;  // (a << 32 | b) -> pairs
  };

  std::uint32_t intern(std::string_view term) {
    if (const auto it = ids.find(term); it != ids.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(texts.size());
    const std::string_view stored = pool.add(term);
    texts.push_back(stored);
    ids.emplace(stored, id);
    return id;
  }

  void intern_all(std::span<const std::string_view> terms, std::vector<std::uint32_t>& out) {
    out.clear();
    for (const std::string_view term : terms) {
      if (!term.empty()) out.push_back(intern(term));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  LanguagePair& language_pair(std::string_view lang_a, std::string_view lang_b) {
    for (auto& pair : pairs) {
      if (pair.lang_a == lang_a && pair.lang_b == lang_b) return pair;
    }
    auto& pair = pairs.emplace_back();
    pair.lang_a = lang_a;
    pair.lang_b = lang_b;
    return pair;
  }

  // Terms of all languages share one id space: a stem is the same string in any language, and
  // the language pair keeps the sides apart.
  detail::StringPool pool;
  std::vector<std::string_view> texts;
  absl::flat_hash_map<std::string_view, std::uint32_t> ids;
  std::vector<LanguagePair> pairs;
  std::vector<std::uint32_t> scratch_a, scratch_b;
  std::size_t observations = 0;
};

PairLearner::PairLearner() : impl_(std::make_unique<Impl>()) {}

void PairLearner::observe(std::string_view lang_a, std::span<const std::string_view> terms_a,
                          std::string_view lang_b, std::span<const std::string_view> terms_b) {
  if (lang_a == lang_b) {
    throw InputError("PairLearner::observe needs two languages, got '" + std::string(lang_a) +
                     "' twice");
  }
  if (lang_b < lang_a) {
    std::swap(lang_a, lang_b);
    std::swap(terms_a, terms_b);
  }
  auto& ids_a = impl_->scratch_a;
  auto& ids_b = impl_->scratch_b;
  impl_->intern_all(terms_a, ids_a);
  impl_->intern_all(terms_b, ids_b);
  auto& pair = impl_->language_pair(lang_a, lang_b);
  ++pair.observations;
  ++impl_->observations;
  for (const std::uint32_t a : ids_a) ++pair.count_a[a];
  for (const std::uint32_t b : ids_b) ++pair.count_b[b];
  for (const std::uint32_t a : ids_a) {
    for (const std::uint32_t b : ids_b) ++pair.together[(std::uint64_t{a} << 32) | b];
  }
}

std::vector<LearnedPair> PairLearner::pairs(std::size_t min_count, float min_score) const {
  std::vector<LearnedPair> result;
  for (const auto& pair : impl_->pairs) {
    for (const auto& [key, together] : pair.together) {
      if (together < min_count) continue;
      const auto a = static_cast<std::uint32_t>(key >> 32);
      const auto b = static_cast<std::uint32_t>(key & 0xFFFFFFFFu);
      const float dice = 2.0f * static_cast<float>(together) /
                         static_cast<float>(pair.count_a.at(a) + pair.count_b.at(b));
      if (dice < min_score) continue;
      result.push_back({pair.lang_a, std::string(impl_->texts[a]), pair.lang_b,
                        std::string(impl_->texts[b]), dice});
    }
  }
  std::sort(result.begin(), result.end(), pair_order);
  return result;
}

std::size_t PairLearner::observations() const { return impl_->observations; }

// --- cognates --------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMinCognateLength = 5;

struct Folded {
  std::u32string form;
  std::string_view term;
};

std::vector<Folded> fold_terms(std::span<const std::string_view> terms) {
  std::vector<Folded> folded;
  std::u32string form;
  for (const std::string_view term : terms) {
    detail::fold_for_matching(term, form);
    if (form.size() >= kMinCognateLength) folded.push_back({form, term});
  }
  // Blocks of equal first two letters, by length inside a block; duplicates removed.
  std::sort(folded.begin(), folded.end(), [](const Folded& x, const Folded& y) {
    const auto key_x = x.form.substr(0, 2);
    const auto key_y = y.form.substr(0, 2);
    if (key_x != key_y) return key_x < key_y;
    if (x.form.size() != y.form.size()) return x.form.size() < y.form.size();
    return x.term < y.term;
  });
  folded.erase(std::unique(folded.begin(), folded.end(),
                           [](const Folded& x, const Folded& y) { return x.term == y.term; }),
               folded.end());
  return folded;
}

}  // namespace

std::vector<LearnedPair> find_cognates(std::string_view lang_a,
                                       std::span<const std::string_view> terms_a,
                                       std::string_view lang_b,
                                       std::span<const std::string_view> terms_b,
                                       float max_normalized_distance) {
  const std::vector<Folded> side_a = fold_terms(terms_a);
  const std::vector<Folded> side_b = fold_terms(terms_b);
  std::vector<LearnedPair> result;
  std::size_t block_b = 0;
  for (const Folded& a : side_a) {
    const std::u32string_view key = std::u32string_view(a.form).substr(0, 2);
    while (block_b < side_b.size() &&
           std::u32string_view(side_b[block_b].form).substr(0, 2) < key) {
      ++block_b;
    }
    for (std::size_t j = block_b; j < side_b.size(); ++j) {
      const Folded& b = side_b[j];
      if (std::u32string_view(b.form).substr(0, 2) != key) break;
      const std::size_t longer = std::max(a.form.size(), b.form.size());
      const auto limit = static_cast<std::size_t>(
          std::floor(max_normalized_distance * static_cast<float>(longer)));
      // Within a block, words are sorted by length: past the length window nothing can match.
      if (b.form.size() > a.form.size() + limit) break;
      if (a.form.size() > b.form.size() + limit) continue;
      const std::size_t distance = detail::bounded_levenshtein(a.form, b.form, limit);
      if (distance > limit) continue;
      const float score = 1.0f - static_cast<float>(distance) / static_cast<float>(longer);
      result.push_back({std::string(lang_a), std::string(a.term), std::string(lang_b),
                        std::string(b.term), score});
    }
  }
  std::sort(result.begin(), result.end(), pair_order);
  return result;
}

void write_learned_tsv(std::ostream& out, std::span<const LearnedPair> pairs) {
  for (const LearnedPair& pair : pairs) {
    out << pair.lang_a << "\t=" << pair.term_a << '\t' << pair.lang_b << "\t=" << pair.term_b
        << '\t' << pair.score << '\t' << to_string(LinkSource::learned) << '\n';
  }
}

}  // namespace crossnews
