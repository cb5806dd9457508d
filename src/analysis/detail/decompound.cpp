#include "analysis/detail/decompound.hpp"

#include "analysis/detail/unicode.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace crossnews::detail {
namespace {

// Longer "words" are URLs or glued garbage, not compounds; the DP is quadratic in the length.
constexpr std::size_t kMaxCompoundChars = 48;

constexpr std::array<std::string_view, 5> kLinkingElements{"s", "es", "n", "en", "e"};
constexpr std::array<std::string_view, 3> kSubtractedEndings{"n", "e", "en"};

struct Cell {
  std::uint16_t parts = 0;  // parts in the best split of this prefix; 0 = no split found
  std::uint16_t previous = 0;
  std::uint8_t strip = 0;  // linking-element bytes to drop from the piece ending here
  std::uint32_t score = 0;
};

}  // namespace

void Decompounder::add(std::string folded, std::string_view stem) {
  stems_.emplace(stem);
  words_.insert(std::move(folded));
}

bool Decompounder::is_part(std::string_view piece, const WordSet* stopwords) const {
  return words_.contains(piece) && (stopwords == nullptr || !stopwords->contains(piece));
}

int Decompounder::linking_strip(std::string_view piece, const WordSet* stopwords,
                                std::size_t min_part) const {
  if (is_part(piece, stopwords)) return 0;
  for (const std::string_view link : kLinkingElements) {
    if (piece.size() <= link.size() || !piece.ends_with(link)) continue;
    const std::string_view base = piece.substr(0, piece.size() - link.size());
    if (code_points(base) >= min_part && is_part(base, stopwords)) {
      return static_cast<int>(link.size());
    }
  }
  std::array<char, kMaxCompoundChars * 4 + 4> buffer{};
  if (piece.size() + 2 > buffer.size()) return -1;
  piece.copy(buffer.data(), piece.size());
  for (const std::string_view ending : kSubtractedEndings) {
    ending.copy(buffer.data() + piece.size(), ending.size());
    if (is_part(std::string_view(buffer.data(), piece.size() + ending.size()), stopwords)) return 0;
  }
  return -1;
}

bool Decompounder::split(std::string_view word, const WordSet* stopwords, std::size_t min_part,
                         StemFn stem, std::vector<std::string_view>& parts) const {
  parts.clear();
  if (min_part == 0) min_part = 1;
  boost::container::small_vector<std::uint32_t, kMaxCompoundChars + 1> cut;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) {
      if (cut.size() > kMaxCompoundChars) return false;
      cut.push_back(static_cast<std::uint32_t>(i));
    }
  }
  cut.push_back(static_cast<std::uint32_t>(word.size()));
  const std::size_t chars = cut.size() - 1;
  if (chars < 2 * min_part || words_.empty()) return false;

  // cells[k]: best split of the first k code points. cells[0] is the empty prefix.
  boost::container::small_vector<Cell, kMaxCompoundChars + 1> cells(chars + 1);
  const auto reachable = [&](std::size_t k) { return k == 0 || cells[k].parts > 0; };
  for (std::size_t k = min_part; k <= chars; ++k) {
    const bool head = k == chars;
    for (std::size_t j = 0; j + min_part <= k; ++j) {
      if (!reachable(j) || (j == 0 && head)) continue;
      const std::string_view piece = word.substr(cut[j], cut[k] - cut[j]);
      int strip = 0;
      if (head) {
        if (!is_part(piece, stopwords) && !stems_.contains(stem(piece))) continue;
      } else if ((strip = linking_strip(piece, stopwords, min_part)) < 0) {
        continue;
      }
      const auto length = static_cast<std::uint32_t>(k - j);
      const Cell candidate{static_cast<std::uint16_t>(cells[j].parts + 1),
                           static_cast<std::uint16_t>(j), static_cast<std::uint8_t>(strip),
                           cells[j].score + length * length};
      Cell& best = cells[k];
      if (best.parts == 0 || candidate.parts < best.parts ||
          (candidate.parts == best.parts && candidate.score > best.score)) {
        best = candidate;
      }
    }
  }
  if (cells[chars].parts < 2) return false;
  for (std::size_t k = chars; k > 0; k = cells[k].previous) {
    const std::size_t j = cells[k].previous;
    parts.push_back(word.substr(cut[j], cut[k] - cut[j] - cells[k].strip));
  }
  std::reverse(parts.begin(), parts.end());
  return true;
}

}  // namespace crossnews::detail
