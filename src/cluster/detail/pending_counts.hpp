#pragma once
// The counts an article keeps between Featurizer::add() and finish(): a million articles of a few
// hundred features each, so they are packed into 8 bytes a count and stored back to back in large
// blocks, which finish() hands back to the system as soon as it has weighed their articles. The
// blocks are mapped from the system directly: from the heap, freed blocks would stay with the
// process (glibc returns only the heap's top), about 0.8 GB of 1M articles' counts.

#include <crossnews/featurizer.hpp>
#include <crossnews/strong_id.hpp>

#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <span>
#include <utility>
#include <vector>

namespace crossnews::detail {

// Counts saturate (tf is logarithmic: no visible loss); the link weight of a projected word is
// kept in 1/255 steps; `form` is the slot of the surface form the article used in the feature's
// form table (Featurizer::kNoForm when it has none).
constexpr std::uint16_t kMaxBodyCount = (1u << 14) - 1;
struct PackedCount {
  TermId term;
  std::uint16_t body : 14 = 0;
  std::uint16_t form : 2 = Featurizer::kNoForm;
  std::uint8_t title = 0;
  std::uint8_t link = 255;
};
static_assert(sizeof(PackedCount) == 8);

class PendingCounts {
 public:
  /// Keeps the counts of document `doc`, numbered after every document kept before; the
  /// documents skipped in between (weighed as they came, as in a stream) keep nothing, and the
  /// documents after the last one kept take no room at all.
  void push(std::size_t doc, std::span<const PackedCount> counts) {
    if (blocks_.empty() || used_ + counts.size() > blocks_.back().size()) {
      blocks_.emplace_back(std::max(kBlockCounts, counts.size()));
      used_ = 0;
    }
    std::uninitialized_copy(counts.begin(), counts.end(), blocks_.back().data() + used_);
    where_.resize(doc, kNone);
    where_.push_back({static_cast<std::uint32_t>(blocks_.size() - 1),
                      static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(counts.size())});
    used_ += counts.size();
  }

  /// Whether `doc` has counts waiting (false once dropped).
  [[nodiscard]] bool has(std::size_t doc) const {
    return doc < where_.size() && where_[doc].block != kNoBlock;
  }
  [[nodiscard]] std::span<const PackedCount> of(std::size_t doc) const {
    if (!has(doc)) return {};
    const Where& w = where_[doc];
    return {blocks_[w.block].data() + w.offset, w.size};
  }

  /// Forgets the counts of every document before `end` and hands back the blocks that hold no
  /// others' (blocks fill in document order).
  void drop_before(std::size_t end) {
    for (; dropped_ < std::min(end, where_.size()); ++dropped_) where_[dropped_] = kNone;
    std::size_t first_used = blocks_.size();
    for (std::size_t doc = end; doc < where_.size(); ++doc) {
      if (where_[doc].block != kNoBlock) {
        first_used = where_[doc].block;
        break;
      }
    }
    for (std::size_t b = 0; b < first_used; ++b) blocks_[b] = Block();
    if (first_used == blocks_.size()) {
      blocks_.clear();
      used_ = 0;
    }
  }

 private:
  static constexpr std::size_t kBlockCounts = std::size_t{1} << 19;  // 4 MB
  static constexpr std::uint32_t kNoBlock = std::numeric_limits<std::uint32_t>::max();
  class Block {
   public:
    Block() = default;
    explicit Block(std::size_t size) : size_(size) {
      void* mapped = mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                          -1, 0);
      if (mapped == MAP_FAILED) throw std::bad_alloc();
      // Filled from start to end: in 2 MB pages a block costs 2 page faults, not 1,024 (a
      // hint; without transparent huge pages it changes nothing).
      madvise(mapped, bytes(), MADV_HUGEPAGE);
      counts_ = static_cast<PackedCount*>(mapped);
    }
    Block(Block&& other) noexcept
        : counts_(std::exchange(other.counts_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    Block& operator=(Block&& other) noexcept {
      std::swap(counts_, other.counts_);
      std::swap(size_, other.size_);
      return *this;
    }
    ~Block() {
      if (counts_ != nullptr) munmap(counts_, bytes());
    }
    [[nodiscard]] PackedCount* data() const { return counts_; }
    [[nodiscard]] std::size_t size() const { return size_; }

   private:
    [[nodiscard]] std::size_t bytes() const { return size_ * sizeof(PackedCount); }
    PackedCount* counts_ = nullptr;
    std::size_t size_ = 0;
  };
  struct Where {
    std::uint32_t block, offset, size;
  };
  static constexpr Where kNone{kNoBlock, 0, 0};

  std::vector<Block> blocks_;
  std::size_t used_ = 0;      // counts used in the last block
  std::vector<Where> where_;  // by document
  std::size_t dropped_ = 0;   // documents before this one were dropped
};

}  // namespace crossnews::detail
