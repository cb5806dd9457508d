#include <crossnews/error.hpp>
#include <crossnews/vocabulary.hpp>

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <boost/container/flat_map.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace crossnews {

FeatureKind feature_kind(TermKind kind) {
  switch (kind) {
    case TermKind::word:
      return FeatureKind::word;
    case TermKind::entity:
      return FeatureKind::entity;
    case TermKind::number:
      return FeatureKind::number;
    case TermKind::compound_part:
      return FeatureKind::compound_part;
  }
  return FeatureKind::word;
}

bool is_language_neutral(FeatureKind kind) {
  return kind == FeatureKind::entity || kind == FeatureKind::number ||
         kind == FeatureKind::concept_;
}

namespace {

// Chunks are never moved or freed while the vocabulary lives, so every string_view handed out
// (term texts, language names, hash-map keys) stays valid as the vocabulary grows.
class Arena {
 public:
  std::string_view store(std::string_view bytes) {
    if (bytes.empty()) return {};
    if (bytes.size() > kChunkSize / 4) {
      // A giant term gets its own block so it does not waste the rest of the current chunk.
      auto& block = big_blocks_.emplace_back(std::make_unique<char[]>(bytes.size()));
      std::memcpy(block.get(), bytes.data(), bytes.size());
      return {block.get(), bytes.size()};
    }
    if (chunks_.empty() || used_ + bytes.size() > kChunkSize) {
      chunks_.push_back(std::make_unique<char[]>(kChunkSize));
      used_ = 0;
    }
    char* dest = chunks_.back().get() + used_;
    std::memcpy(dest, bytes.data(), bytes.size());
    used_ += bytes.size();
    return {dest, bytes.size()};
  }

 private:
  static constexpr std::size_t kChunkSize = std::size_t{64} * 1024;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::unique_ptr<char[]>> big_blocks_;
  std::size_t used_ = 0;
};

// The hash key: text views point into the arena for stored keys and into the caller's memory for
// lookups, so a lookup never copies the text.
struct TermKey {
  std::string_view text;
  std::uint16_t slot = 0;
  FeatureKind kind = FeatureKind::word;

  friend bool operator==(const TermKey&, const TermKey&) = default;
  template <class H>
  friend H AbslHashValue(H h, const TermKey& key) {
    return H::combine(std::move(h), key.text, key.slot, key.kind);
  }
};

struct TermInfo {
  const char* data = nullptr;
  std::uint32_t size = 0;
  std::uint16_t slot = 0;
  FeatureKind kind = FeatureKind::word;
};

}  // namespace

struct Vocabulary::Impl {
  Arena arena;
  std::vector<TermInfo> terms;
  absl::flat_hash_map<TermKey, TermId> index;
  std::vector<std::string_view> slot_langs{std::string_view{}};
  // A handful of languages: a sorted array beats hashing and never allocates on lookup.
  boost::container::flat_map<std::string_view, std::uint16_t> lang_slots;

  const TermInfo& info(TermId id) const {
    if (id.value() >= terms.size()) {
      throw InputError("TermId " + std::to_string(id.value()) + " is not in the vocabulary (size " +
                       std::to_string(terms.size()) + ")");
    }
    return terms[id.value()];
  }

  std::uint16_t slot_of(std::string_view lang) {
    if (lang.empty()) return 0;
    if (auto it = lang_slots.find(lang); it != lang_slots.end()) return it->second;
    if (slot_langs.size() > std::numeric_limits<std::uint16_t>::max()) {
      throw ConfigError("Vocabulary: more than 65535 languages");
    }
    const auto slot = static_cast<std::uint16_t>(slot_langs.size());
    const std::string_view stored = arena.store(lang);
    slot_langs.push_back(stored);
    lang_slots.emplace(stored, slot);
    return slot;
  }

  std::optional<std::uint16_t> find_slot(std::string_view lang) const {
    if (lang.empty()) return std::uint16_t{0};
    if (auto it = lang_slots.find(lang); it != lang_slots.end()) return it->second;
    return std::nullopt;
  }

  std::optional<TermId> find(std::uint16_t slot, std::string_view text, FeatureKind kind) const {
    if (auto it = index.find(TermKey{text, slot, kind}); it != index.end()) return it->second;
    return std::nullopt;
  }

  TermId intern(std::uint16_t slot, std::string_view text, FeatureKind kind) {
    if (is_language_neutral(kind)) slot = 0;
    if (const auto found = find(slot, text, kind)) return *found;
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
      throw InputError("Vocabulary: term longer than 4 GiB");
    }
    if (terms.size() >= std::numeric_limits<TermId::rep_type>::max()) {
      throw ConfigError("Vocabulary: TermId space exhausted");
    }
    const std::string_view stored = arena.store(text);
    const TermId id(static_cast<TermId::rep_type>(terms.size()));
    terms.push_back({stored.data(), static_cast<std::uint32_t>(stored.size()), slot, kind});
    index.emplace(TermKey{stored, slot, kind}, id);
    return id;
  }
};

Vocabulary::Vocabulary() : impl_(std::make_unique<Impl>()) {}

TermId Vocabulary::intern(std::string_view lang, std::string_view text, FeatureKind kind) {
  return impl_->intern(is_language_neutral(kind) ? 0 : impl_->slot_of(lang), text, kind);
}

TermId Vocabulary::intern_in_slot(LangSlot lang_slot, std::string_view text, FeatureKind kind) {
  if (lang_slot.value() >= impl_->slot_langs.size()) {
    throw InputError("Vocabulary: language slot " + to_string(lang_slot) + " is not assigned");
  }
  return impl_->intern(lang_slot.value(), text, kind);
}

std::optional<TermId> Vocabulary::find(std::string_view lang, std::string_view text,
                                       FeatureKind kind) const {
  std::uint16_t slot = 0;
  if (!is_language_neutral(kind)) {
    const auto found = impl_->find_slot(lang);
    if (!found) return std::nullopt;
    slot = *found;
  }
  return impl_->find(slot, text, kind);
}

std::optional<TermId> Vocabulary::find_in_slot(LangSlot lang_slot, std::string_view text,
                                               FeatureKind kind) const {
  if (lang_slot.value() >= impl_->slot_langs.size()) return std::nullopt;
  return impl_->find(is_language_neutral(kind) ? 0 : lang_slot.value(), text, kind);
}

std::string_view Vocabulary::text(TermId id) const {
  const TermInfo& info = impl_->info(id);
  return {info.data, info.size};
}

std::string_view Vocabulary::lang(TermId id) const {
  return impl_->slot_langs[impl_->info(id).slot];
}

FeatureKind Vocabulary::kind(TermId id) const { return impl_->info(id).kind; }

LangSlot Vocabulary::lang_slot(TermId id) const { return LangSlot{impl_->info(id).slot}; }

LangSlot Vocabulary::lang_slot_of(std::string_view lang) { return LangSlot{impl_->slot_of(lang)}; }

std::optional<LangSlot> Vocabulary::find_lang_slot(std::string_view lang) const {
  const auto slot = impl_->find_slot(lang);
  if (!slot) return std::nullopt;
  return LangSlot{*slot};
}

std::string_view Vocabulary::slot_lang(LangSlot slot) const {
  if (slot.value() >= impl_->slot_langs.size()) {
    throw InputError("Vocabulary: language slot " + to_string(slot) + " is not assigned");
  }
  return impl_->slot_langs[slot.value()];
}

std::size_t Vocabulary::language_count() const { return impl_->slot_langs.size(); }

std::size_t Vocabulary::size() const { return impl_->terms.size(); }

}  // namespace crossnews
