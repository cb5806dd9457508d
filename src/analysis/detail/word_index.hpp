#pragma once
// Open-addressing index from a word to its cache entry number. The words themselves are stored
// by the cache; a slot holds a 32-bit hash tag and the entry number, so a probe compares tags and
// a hit compares bytes once, inline. Against absl::flat_hash_map<std::string, std::uint32_t> with
// heterogeneous lookup it needs about a quarter fewer instructions per token (callgrind on the
// bench_analyzer texts) and stores no second copy of each word.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace crossnews::detail {

class WordIndex {
 public:
  static constexpr std::uint32_t kMissing = ~std::uint32_t{0};

  /// Hash tag of a word (multiply-xorshift over 8-byte blocks; short tails read with two
  /// overlapping loads instead of a byte loop).
  [[nodiscard]] static std::uint32_t tag(std::string_view word) {
    const char* p = word.data();
    std::size_t n = word.size();
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (; n > 8; p += 8, n -= 8) {
      h = (h ^ load<std::uint64_t>(p)) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    if (n >= 4) {
      tail = load<std::uint32_t>(p) | (std::uint64_t{load<std::uint32_t>(p + n - 4)} << 32);
    } else if (n > 0) {
      const auto byte = [&](std::size_t i) {
        return std::uint64_t{static_cast<unsigned char>(p[i])};
      };
      tail = (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
    }
    h = (h ^ tail) * 0x94D049BB133111EBULL;
    return static_cast<std::uint32_t>(h ^ (h >> 32));
  }

  /// Byte equality for the short strings words are, without a call to memcmp.
  [[nodiscard]] static bool same(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    if (n != b.size()) return false;
    const char* x = a.data();
    const char* y = b.data();
    if (n >= 8) {
      for (std::size_t i = 0; i + 8 < n; i += 8) {
        if (load<std::uint64_t>(x + i) != load<std::uint64_t>(y + i)) return false;
      }
      return load<std::uint64_t>(x + n - 8) == load<std::uint64_t>(y + n - 8);
    }
    if (n >= 4) {
      return load<std::uint32_t>(x) == load<std::uint32_t>(y) &&
             load<std::uint32_t>(x + n - 4) == load<std::uint32_t>(y + n - 4);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (x[i] != y[i]) return false;
    }
    return true;
  }

  /// Entry number of `word` (whose tag is `tag`), or kMissing. `key_of(entry)` returns the word
  /// stored for an entry.
  template <class KeyOf>
  [[nodiscard]] std::uint32_t find(std::string_view word, std::uint32_t tag, KeyOf key_of) const {
    if (slots_.empty()) return kMissing;
    for (std::size_t i = tag & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.entry == kMissing) return kMissing;
      if (slot.tag == tag && same(key_of(slot.entry), word)) return slot.entry;
    }
  }

  /// Starts reading the first slot a look-up of `tag` probes (a hint: nothing changes). Always
  /// inlined: GCC takes a function that only prefetches for one without effects and drops calls.
  [[gnu::always_inline]] void prefetch(std::uint32_t tag) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[tag & mask_]);
  }
  /// The entry of the first slot a look-up of `tag` probes when its tag matches, else kMissing:
  /// a likely answer, to start reading the entry before the look-up confirms it.
  [[nodiscard]] std::uint32_t guess(std::uint32_t tag) const {
    if (slots_.empty()) return kMissing;
    const Slot& slot = slots_[tag & mask_];
    return slot.tag == tag ? slot.entry : kMissing;
  }

  /// Adds an entry for a word that is not in the index.
  void insert(std::uint32_t tag, std::uint32_t entry) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(tag, entry);
    ++size_;
  }

  void clear() {
    slots_.clear();
    size_ = 0;
    mask_ = 0;
  }

 private:
  template <class T>
  static T load(const char* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
  }

  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t entry = kMissing;
  };

  void place(std::uint32_t tag, std::uint32_t entry) {
    std::size_t i = tag & mask_;
    while (slots_[i].entry != kMissing) i = (i + 1) & mask_;
    slots_[i] = Slot{tag, entry};
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.entry != kMissing) place(slot.tag, slot.entry);
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
};

}  // namespace crossnews::detail
