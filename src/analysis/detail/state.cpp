#include "analysis/detail/state.hpp"

#include "analysis/detail/unicode.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <atomic>

namespace crossnews::detail {
namespace {

// Bound of a worker's cache per language; past it the cache restarts empty between documents.
// 2^18 words hold the vocabulary of a large news corpus in a few tens of megabytes.
constexpr std::size_t kMaxCacheEntries = std::size_t{1} << 18;

// Key spaces are unique in the process, so that keys of different workers, languages or cache
// generations are never mistaken for one another.
std::uint64_t new_key_space() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

bool has_digit(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

const WordSet* AnalysisResources::stopwords_for(std::string_view lang) const {
  for (const auto& [code, words] : stopwords) {
    if (code == lang) return &words;
  }
  return nullptr;
}

EntityFolder::EntityFolder() = default;
EntityFolder::~EntityFolder() = default;

void EntityFolder::append(std::string_view word, std::string& out) {
  const std::size_t start = out.size();
  const LatinTables& tables = LatinTables::instance();
  const auto* s = reinterpret_cast<const unsigned char*>(word.data());
  bool latin = true;
  for (std::size_t i = 0, len = 0; i < word.size() && latin; i += len) {
    latin = tables.decode(s + i, len).ascii_len > 0;
  }
  if (latin) {
    for (std::size_t i = 0, len = 0; i < word.size(); i += len) {
      const CodePointInfo& info = tables.decode(s + i, len);
      out.append(info.ascii.data(), info.ascii_len);
    }
  } else {
    if (!any_to_ascii_) {
      UErrorCode status = U_ZERO_ERROR;
      any_to_ascii_.reset(
          icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
      if (U_FAILURE(status)) any_to_ascii_.reset();
    }
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(word.data(), static_cast<std::int32_t>(word.size())));
    if (any_to_ascii_) any_to_ascii_->transliterate(text);
    text.toUTF8String(out);
    // Transliteration keeps case, and folded input is lowercase, but title-case digraphs can
    // come back capitalised ("Ǳ" -> "Dz").
    for (std::size_t i = start; i < out.size(); ++i) {
      if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
    }
  }
  // "Kaspersky's" names the same entity as "Kaspersky".
  if (out.size() - start > 2 && std::string_view(out).substr(out.size() - 2) == "'s") {
    out.resize(out.size() - 2);
  }
  if (out.size() == start) out.append(word);
}

LanguageState::LanguageState(std::string lang, const AnalysisResources& resources)
    : lang_(std::move(lang)),
      resources_(resources),
      stopwords_(resources.stopwords_for(lang_)),
      elisions_(detail::elisions(lang_)),
      german_(lang_ == "de"),
      stemmer_(lang_),
      key_space_(new_key_space()) {}

void LanguageState::begin_document() {
  ++document_;
  if (entries_.size() > kMaxCacheEntries || document_ == 0) {
    index_.clear();
    entries_.clear();
    text_.clear();
    parts_.clear();
    document_ = 1;
    key_space_ = new_key_space();
    next_key_ = 0;
  }
}

std::uint32_t LanguageState::store(std::string_view text) {
  const auto begin = static_cast<std::uint32_t>(text_.size());
  text_.append(text);
  return begin;
}

// A word seen for the first time: stem, stopword flag, German split, all computed once.
std::uint32_t LanguageState::add(std::string_view word, std::uint32_t tag) {
  const AnalyzerOptions& options = resources_.options;
  CacheEntry e;
  e.key_begin = store(word);
  e.key_len = static_cast<std::uint32_t>(word.size());
  e.stopword = stopwords_ != nullptr && stopwords_->contains(word);
  // Snowball algorithms are defined on words; digits pass through unchanged ("mp3", "94mil").
  const bool stemmable = stemmer_ && !has_digit(word);
  const std::string_view stem = options.stem && stemmable ? stemmer_.stem(word) : word;
  e.stem_begin = store(stem);
  e.stem_len = static_cast<std::uint32_t>(stem.size());
  if (german_ && stemmable) {
    const Decompounder& dictionary = resources_.german;
    const bool split = dictionary.split(
        word, stopwords_, options.min_compound_part,
        [this](std::string_view piece) { return stemmer_.stem(piece); }, split_scratch_);
    e.known = e.stopword || split || dictionary.contains(word) ||
              dictionary.contains_stem(stemmer_.stem(word));
    if (split && options.decompound) {
      e.parts_begin = static_cast<std::uint32_t>(parts_.size());
      e.parts_count = static_cast<std::uint16_t>(split_scratch_.size());
      for (const std::string_view part : split_scratch_) {
        const std::string_view part_stem = options.stem ? stemmer_.stem(part) : part;
        parts_.emplace_back(store(part_stem), static_cast<std::uint32_t>(part_stem.size()));
      }
    }
  }
  e.key_base = next_key_;
  next_key_ += static_cast<std::uint32_t>(TermKey::first_part) + e.parts_count;
  const auto index = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(e);
  index_.insert(tag, index);
  return index;
}

std::string_view LanguageState::entity(std::uint32_t index, EntityFolder& folder) {
  CacheEntry& e = entries_[index];
  if (!e.entity_ready) {
    // The key lives in text_, which append may reallocate: fold through a copy.
    entity_scratch_.clear();
    folder.append(std::string_view(text_).substr(e.key_begin, e.key_len), entity_scratch_);
    e.entity_begin = store(entity_scratch_);
    e.entity_len = static_cast<std::uint32_t>(entity_scratch_.size());
    e.entity_ready = true;
  }
  return {text_.data() + e.entity_begin, e.entity_len};
}

}  // namespace crossnews::detail
