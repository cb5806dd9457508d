#include <crossnews/error.hpp>
#include <crossnews/tfidf.hpp>

#include "detail/model_binary.hpp"

#include <absl/container/flat_hash_map.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <istream>
#include <ostream>
#include <string>

namespace crossnews {

namespace {

constexpr double kSecondsPerDay = 86400.0;
// Forward decay stores a document's weight as 2^((time - reference) / half-life) so that adding
// it never touches the other entries. Stored values grow as time moves on; once "now" is this
// many half-lives past the reference, one pass rescales the table (values stay below 2^64,
// far from overflow, and the pass is rare).
constexpr double kMaxLagHalfLives = 64.0;
// A count that a removal brings below this fraction of the removed weight is rounding residue.
constexpr double kResidueFraction = 1e-12;

// The magic's high byte and CR/LF catch a snapshot mangled by text-mode transfer, as PNG's does.
constexpr std::array<char, 8> kMagic = {'C', 'N', 'X', 'D', 'F', '\x89', '\r', '\n'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 8 + 4;  // magic, version, payload size, crc32
constexpr std::string_view kWhat = "DF snapshot";

std::int64_t day_of(std::int64_t time) {
  constexpr std::int64_t kDay = 86400;
  return time >= 0 ? time / kDay : -((-(time + 1)) / kDay) - 1;
}

void bump(double& value, double delta) {
  value += delta;
  if (delta < 0.0 && value < -delta * kResidueFraction) value = 0.0;
}

void bump_at(std::vector<double>& values, std::size_t index, double delta) {
  if (index >= values.size()) values.resize(index + 1, 0.0);
  bump(values[index], delta);
}

double value_at(const std::vector<double>& values, std::size_t index) {
  return index < values.size() ? values[index] : 0.0;
}

std::uint32_t crc32_of(std::string_view data) {
  return static_cast<std::uint32_t>(
      crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

struct DayBucket {
  std::int64_t day = 0;
  double total = 0.0;
  std::vector<double> documents;                  // by language slot
  absl::flat_hash_map<std::uint32_t, double> df;  // by TermId value
};

}  // namespace

struct DocumentFrequencies::Impl {
  Vocabulary* vocabulary = nullptr;
  DfOptions options;
  std::vector<double> df;         // by TermId value, in forward-decay units
  std::vector<double> documents;  // by language slot
  double total = 0.0;
  std::int64_t now = 0;
  std::int64_t reference = 0;     // forward-decay reference time
  std::vector<DayBucket> buckets;  // sorted by day; only with a window

  [[nodiscard]] bool decays() const { return options.half_life_days > 0.0; }
  [[nodiscard]] bool windowed() const { return options.window_days > 0.0; }
  [[nodiscard]] double half_life_seconds() const { return options.half_life_days * kSecondsPerDay; }

  // Converts stored (forward) values to values as of `now`.
  [[nodiscard]] double scale() const {
    if (!decays()) return 1.0;
    return std::exp2((static_cast<double>(reference) - static_cast<double>(now)) /
                     half_life_seconds());
  }
  [[nodiscard]] double forward_weight(std::int64_t time) const {
    if (!decays()) return 1.0;
    return std::exp2((static_cast<double>(time) - static_cast<double>(reference)) /
                     half_life_seconds());
  }
  // A bucket is dropped once every second of its day lies outside (now - window, now].
  [[nodiscard]] bool expired(std::int64_t day) const {
    if (!windowed()) return false;
    const double day_end = (static_cast<double>(day) + 1.0) * kSecondsPerDay - 1.0;
    return day_end <= static_cast<double>(now) - options.window_days * kSecondsPerDay;
  }

  void advance(std::int64_t time) {
    if (time <= now) return;
    now = time;
    if (decays() && static_cast<double>(now) - static_cast<double>(reference) >
                        kMaxLagHalfLives * half_life_seconds()) {
      renormalise();
    }
    if (windowed()) expire();
  }

  void renormalise() {
    const double factor = scale();
    for (double& v : df) v *= factor;
    for (double& v : documents) v *= factor;
    total *= factor;
    for (DayBucket& bucket : buckets) {
      for (double& v : bucket.documents) v *= factor;
      for (auto& [term, v] : bucket.df) v *= factor;
      bucket.total *= factor;
    }
    reference = now;
  }

  void expire() {
    auto first_kept = std::find_if(buckets.begin(), buckets.end(),
                                   [&](const DayBucket& b) { return !expired(b.day); });
    for (auto it = buckets.begin(); it != first_kept; ++it) {
      for (std::size_t slot = 0; slot < it->documents.size(); ++slot) {
        bump_at(documents, slot, -it->documents[slot]);
      }
      bump(total, -it->total);
      for (const auto& [term, v] : it->df) bump_at(df, term, -v);
    }
    buckets.erase(buckets.begin(), first_kept);
  }

  DayBucket* bucket(std::int64_t day, bool create) {
    if (expired(day)) return nullptr;
    auto it = std::lower_bound(buckets.begin(), buckets.end(), day,
                               [](const DayBucket& b, std::int64_t d) { return b.day < d; });
    if (it != buckets.end() && it->day == day) return &*it;
    if (!create) return nullptr;
    it = buckets.insert(it, DayBucket{});
    it->day = day;
    return &*it;
  }

  void count(std::uint16_t slot, std::span<const TermId> terms, std::optional<std::int64_t> time,
             double sign) {
    if (slot >= vocabulary->language_count()) {
      throw InputError("DocumentFrequencies: language slot " + std::to_string(slot) +
                       " is not in the vocabulary");
    }
    for (const TermId term : terms) {
      if (term.value() >= vocabulary->size()) {
        throw InputError("DocumentFrequencies: TermId " + std::to_string(term.value()) +
                         " is not in the vocabulary");
      }
    }
    if (time) advance(*time);
    const std::int64_t t = time.value_or(now);
    DayBucket* day_bucket = nullptr;
    if (windowed()) {
      day_bucket = bucket(day_of(t), sign > 0.0);
      if (day_bucket == nullptr) return;  // outside the window, or nothing to remove
    }
    const double w = sign * forward_weight(t);
    bump_at(documents, slot, w);
    bump(total, w);
    for (const TermId term : terms) bump_at(df, term.value(), w);
    if (day_bucket != nullptr) {
      bump_at(day_bucket->documents, slot, w);
      bump(day_bucket->total, w);
      for (const TermId term : terms) bump(day_bucket->df[term.value()], w);
    }
  }

  void check_compatible(const DfOptions& other, std::string_view what) const {
    if (other.half_life_days != options.half_life_days ||
        other.window_days != options.window_days) {
      throw ConfigError(std::string(what) + ": half_life_days/window_days " +
                        std::to_string(other.half_life_days) + "/" +
                        std::to_string(other.window_days) + " differ from this table's " +
                        std::to_string(options.half_life_days) + "/" +
                        std::to_string(options.window_days));
    }
  }

  void merge(const Impl& other);
  void save(std::ostream& out) const;
  void load(std::string_view payload);
};

namespace {

// Maps another table's slots and terms into this table's vocabulary by (language, text, kind).
class Translator {
 public:
  Translator(const Vocabulary& from, Vocabulary& to) : from_(from), to_(to) {}

  std::uint16_t slot(std::uint16_t s) {
    if (&from_ == &to_) return s;
    if (s >= slots_.size()) slots_.resize(s + 1, kUnmapped);
    if (slots_[s] == kUnmapped) slots_[s] = to_.lang_slot_of(from_.slot_lang(s));
    return static_cast<std::uint16_t>(slots_[s]);
  }
  std::uint32_t term(std::uint32_t id) {
    if (&from_ == &to_) return id;
    if (id >= terms_.size()) terms_.resize(id + 1, kUnmapped);
    if (terms_[id] == kUnmapped) {
      const TermId t(id);
      terms_[id] = to_.intern_in_slot(slot(from_.lang_slot(t)), from_.text(t), from_.kind(t))
                       .value();
    }
    return terms_[id];
  }

 private:
  static constexpr std::uint32_t kUnmapped = 0xffffffffu;
  const Vocabulary& from_;
  Vocabulary& to_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint32_t> terms_;
};

}  // namespace

void DocumentFrequencies::Impl::merge(const Impl& other) {
  check_compatible(other.options, "DocumentFrequencies::merge");
  advance(other.now);
  // Brings the other table's forward values onto this table's reference time.
  const double factor =
      decays() ? std::exp2((static_cast<double>(other.reference) - static_cast<double>(reference)) /
                           half_life_seconds())
               : 1.0;
  Translator translate(*other.vocabulary, *vocabulary);
  if (!windowed()) {
    for (std::size_t s = 0; s < other.documents.size(); ++s) {
      if (other.documents[s] != 0.0) {
        bump_at(documents, translate.slot(static_cast<std::uint16_t>(s)),
                other.documents[s] * factor);
      }
    }
    bump(total, other.total * factor);
    for (std::size_t id = 0; id < other.df.size(); ++id) {
      if (other.df[id] != 0.0) {
        bump_at(df, translate.term(static_cast<std::uint32_t>(id)), other.df[id] * factor);
      }
    }
    return;
  }
  // With a window every count lives in a day bucket; buckets this table has already expired are
  // left out, exactly as if their documents had been added here.
  for (const DayBucket& theirs : other.buckets) {
    DayBucket* mine = bucket(theirs.day, true);
    if (mine == nullptr) continue;
    for (std::size_t s = 0; s < theirs.documents.size(); ++s) {
      const double v = theirs.documents[s] * factor;
      if (v == 0.0) continue;
      const std::uint16_t slot = translate.slot(static_cast<std::uint16_t>(s));
      bump_at(documents, slot, v);
      bump_at(mine->documents, slot, v);
    }
    bump(total, theirs.total * factor);
    bump(mine->total, theirs.total * factor);
    for (const auto& [id, value] : theirs.df) {
      const std::uint32_t term = translate.term(id);
      bump_at(df, term, value * factor);
      bump(mine->df[term], value * factor);
    }
  }
}

DocumentFrequencies::DocumentFrequencies(Vocabulary& vocabulary, DfOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!std::isfinite(options.half_life_days) || options.half_life_days < 0.0) {
    throw ConfigError("DfOptions::half_life_days must be >= 0, got " +
                      std::to_string(options.half_life_days));
  }
  if (!std::isfinite(options.window_days) || options.window_days < 0.0) {
    throw ConfigError("DfOptions::window_days must be >= 0, got " +
                      std::to_string(options.window_days));
  }
  impl_->vocabulary = &vocabulary;
  impl_->options = options;
}

DocumentFrequencies::~DocumentFrequencies() = default;
DocumentFrequencies::DocumentFrequencies(DocumentFrequencies&&) noexcept = default;
DocumentFrequencies& DocumentFrequencies::operator=(DocumentFrequencies&&) noexcept = default;

void DocumentFrequencies::add(std::uint16_t doc_lang_slot, std::span<const TermId> distinct_terms,
                              std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot, distinct_terms, time, 1.0);
}

void DocumentFrequencies::remove(std::uint16_t doc_lang_slot,
                                 std::span<const TermId> distinct_terms,
                                 std::optional<std::int64_t> time) {
  impl_->count(doc_lang_slot, distinct_terms, time, -1.0);
}

void DocumentFrequencies::merge(const DocumentFrequencies& other) {
  if (&other == this) {
    const Impl copy = *impl_;
    impl_->merge(copy);
  } else {
    impl_->merge(*other.impl_);
  }
}

void DocumentFrequencies::advance_to(std::int64_t time) { impl_->advance(time); }

std::int64_t DocumentFrequencies::now() const { return impl_->now; }

double DocumentFrequencies::df(TermId term) const {
  return value_at(impl_->df, term.value()) * impl_->scale();
}

double DocumentFrequencies::documents(std::uint16_t lang_slot) const {
  return value_at(impl_->documents, lang_slot) * impl_->scale();
}

double DocumentFrequencies::total_documents() const { return impl_->total * impl_->scale(); }

double DocumentFrequencies::idf(TermId term) const {
  const Vocabulary& vocabulary = *impl_->vocabulary;
  const double n = is_language_neutral(vocabulary.kind(term))
                       ? total_documents()
                       : documents(vocabulary.lang_slot(term));
  return std::log((1.0 + n) / (1.0 + df(term))) + 1.0;
}

const Vocabulary& DocumentFrequencies::vocabulary() const { return *impl_->vocabulary; }

const DfOptions& DocumentFrequencies::options() const { return impl_->options; }

// --- snapshots -----------------------------------------------------------------------------------
//
// header:  magic[8] version:u32 payload_size:u64 crc32(payload):u32
// payload: half_life_days:f64 window_days:f64 now:i64 reference:i64 total:f64
//          languages:u64 {length:u32 bytes}... documents:f64[languages]
//          terms:u64 {kind:u8 language:u32 length:u32 bytes df:f64}...
//          buckets:u64 {day:i64 total:f64 documents:f64[languages] entries:u64 {term:u64 df:f64}...}...
// All little-endian. Terms are stored by (kind, language, text), so a snapshot loads into any
// vocabulary and shards written by different processes can be combined with merge().

void DocumentFrequencies::Impl::save(std::ostream& out) const {
  std::string payload;
  detail::ByteWriter w(payload);
  w.f64(options.half_life_days);
  w.f64(options.window_days);
  w.i64(now);
  w.i64(reference);
  w.f64(total);
  const std::size_t languages = vocabulary->language_count();
  w.u64(languages);
  for (std::size_t s = 0; s < languages; ++s) {
    const std::string_view lang = vocabulary->slot_lang(static_cast<std::uint16_t>(s));
    w.u32(static_cast<std::uint32_t>(lang.size()));
    w.bytes(lang);
  }
  for (std::size_t s = 0; s < languages; ++s) w.f64(value_at(documents, s));

  constexpr std::uint64_t kAbsent = ~std::uint64_t{0};
  std::vector<std::uint64_t> index(df.size(), kAbsent);
  std::vector<std::uint32_t> stored;
  auto keep = [&](std::uint32_t id) {
    if (id >= index.size()) index.resize(id + 1, kAbsent);
    if (index[id] == kAbsent) {
      index[id] = stored.size();
      stored.push_back(id);
    }
  };
  for (std::size_t id = 0; id < df.size(); ++id) {
    if (df[id] != 0.0) keep(static_cast<std::uint32_t>(id));
  }
  for (const DayBucket& b : buckets) {
    for (const auto& [id, v] : b.df) keep(id);
  }
  w.u64(stored.size());
  for (const std::uint32_t id : stored) {
    const TermId t(id);
    const std::string_view text = vocabulary->text(t);
    w.u8(static_cast<std::uint8_t>(vocabulary->kind(t)));
    w.u32(vocabulary->lang_slot(t));
    w.u32(static_cast<std::uint32_t>(text.size()));
    w.bytes(text);
    w.f64(value_at(df, id));
  }

  w.u64(buckets.size());
  std::vector<std::pair<std::uint64_t, double>> entries;
  for (const DayBucket& b : buckets) {
    w.i64(b.day);
    w.f64(b.total);
    for (std::size_t s = 0; s < languages; ++s) w.f64(value_at(b.documents, s));
    entries.clear();
    for (const auto& [id, v] : b.df) entries.emplace_back(index[id], v);
    std::sort(entries.begin(), entries.end());  // hash order would make snapshots differ
    w.u64(entries.size());
    for (const auto& [i, v] : entries) {
      w.u64(i);
      w.f64(v);
    }
  }

  std::string header;
  detail::ByteWriter h(header);
  h.bytes({kMagic.data(), kMagic.size()});
  h.u32(kVersion);
  h.u64(payload.size());
  h.u32(crc32_of(payload));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(payload.data(), static_cast<std::streamsize>(payload.size()));
  if (!out) throw IoError("DocumentFrequencies::save: writing the DF snapshot failed");
}

void DocumentFrequencies::Impl::load(std::string_view payload) {
  detail::ByteReader r(payload, kWhat);
  DfOptions stored_options;
  stored_options.half_life_days = r.f64("half_life_days");
  stored_options.window_days = r.f64("window_days");
  check_compatible(stored_options, "DocumentFrequencies::load: the snapshot's");

  Impl fresh;
  fresh.vocabulary = vocabulary;
  fresh.options = options;
  fresh.now = r.i64("now");
  fresh.reference = r.i64("reference");
  fresh.total = r.non_negative("total");

  const std::uint64_t languages = r.count("languages", 4 + 8);
  if (languages == 0 || languages > 65536) {
    r.fail("languages", r.position() - 8, "must be between 1 and 65536");
  }
  std::vector<std::string_view> langs;
  langs.reserve(languages);
  for (std::uint64_t s = 0; s < languages; ++s) {
    langs.push_back(r.bytes(r.u32("language length"), "language"));
  }
  std::vector<double> documents_by_lang(languages);
  for (double& v : documents_by_lang) v = r.non_negative("documents");

  struct StoredTerm {
    FeatureKind kind;
    std::uint32_t lang;
    std::string_view text;
    double df;
  };
  const std::uint64_t term_count = r.count("terms", 1 + 4 + 4 + 8);
  std::vector<StoredTerm> terms;
  terms.reserve(term_count);
  for (std::uint64_t i = 0; i < term_count; ++i) {
    StoredTerm t{};
    const std::size_t at = r.position();
    const std::uint8_t kind = r.u8("term kind");
    if (kind > static_cast<std::uint8_t>(FeatureKind::concept_)) {
      r.fail("term kind", at, "has unknown value " + std::to_string(kind));
    }
    t.kind = static_cast<FeatureKind>(kind);
    t.lang = r.u32("term language");
    if (t.lang >= languages) r.fail("term language", at + 1, "is out of range");
    t.text = r.bytes(r.u32("term length"), "term text");
    t.df = r.non_negative("term df");
    terms.push_back(t);
  }

  struct StoredBucket {
    std::int64_t day;
    double total;
    std::vector<double> documents;
    std::vector<std::pair<std::uint64_t, double>> df;
  };
  const std::uint64_t bucket_count = r.count("buckets", 8 + 8 + 8 * languages + 8);
  std::vector<StoredBucket> buckets_read(bucket_count);
  for (std::uint64_t b = 0; b < bucket_count; ++b) {
    StoredBucket& bucket = buckets_read[b];
    const std::size_t at = r.position();
    bucket.day = r.i64("bucket day");
    if (b > 0 && bucket.day <= buckets_read[b - 1].day) {
      r.fail("bucket day", at, "is not increasing");
    }
    bucket.total = r.non_negative("bucket total");
    bucket.documents.resize(languages);
    for (double& v : bucket.documents) v = r.non_negative("bucket documents");
    const std::uint64_t entries = r.count("bucket entries", 16);
    bucket.df.reserve(entries);
    for (std::uint64_t e = 0; e < entries; ++e) {
      const std::size_t entry_at = r.position();
      const std::uint64_t index = r.u64("bucket term");
      if (index >= term_count) r.fail("bucket term", entry_at, "is out of range");
      bucket.df.emplace_back(index, r.non_negative("bucket df"));
    }
  }
  if (r.remaining() != 0) r.fail("payload", r.position(), "has trailing bytes");

  // Everything is validated: now intern into the vocabulary and commit.
  std::vector<std::uint16_t> slots(languages);
  for (std::uint64_t s = 0; s < languages; ++s) slots[s] = vocabulary->lang_slot_of(langs[s]);
  for (std::uint64_t s = 0; s < languages; ++s) {
    bump_at(fresh.documents, slots[s], documents_by_lang[s]);
  }
  std::vector<std::uint32_t> ids(term_count);
  for (std::uint64_t i = 0; i < term_count; ++i) {
    const StoredTerm& t = terms[i];
    ids[i] = vocabulary->intern_in_slot(slots[t.lang], t.text, t.kind).value();
    bump_at(fresh.df, ids[i], t.df);
  }
  for (StoredBucket& stored : buckets_read) {
    DayBucket& bucket = fresh.buckets.emplace_back();
    bucket.day = stored.day;
    bucket.total = stored.total;
    for (std::uint64_t s = 0; s < languages; ++s) {
      bump_at(bucket.documents, slots[s], stored.documents[s]);
    }
    for (const auto& [index, v] : stored.df) bucket.df[ids[index]] += v;
  }
  *this = std::move(fresh);
}

void DocumentFrequencies::save(std::ostream& out) const { impl_->save(out); }

void DocumentFrequencies::load(std::istream& in) {
  std::array<char, kHeaderSize> header{};
  in.read(header.data(), header.size());
  if (static_cast<std::size_t>(in.gcount()) != header.size()) {
    throw FormatError(std::string(kWhat) + ": truncated header (" + std::to_string(in.gcount()) +
                      " of " + std::to_string(kHeaderSize) + " bytes)");
  }
  if (!std::equal(kMagic.begin(), kMagic.end(), header.begin())) {
    throw FormatError(std::string(kWhat) + ": bad magic, not a crossnews DF snapshot");
  }
  detail::ByteReader h({header.data() + kMagic.size(), header.size() - kMagic.size()}, kWhat);
  const std::uint32_t version = h.u32("version");
  if (version != kVersion) {
    throw FormatError(std::string(kWhat) + ": unsupported version " + std::to_string(version) +
                      " (this build reads version " + std::to_string(kVersion) + ")");
  }
  const std::uint64_t payload_size = h.u64("payload size");
  const std::uint32_t crc = h.u32("crc32");

  // Read in bounded chunks: a corrupt size field must not make us allocate it up front.
  std::string payload;
  constexpr std::size_t kChunk = 1 << 20;
  while (payload.size() < payload_size) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, payload_size - payload.size()));
    const std::size_t old_size = payload.size();
    payload.resize(old_size + want);
    in.read(payload.data() + old_size, static_cast<std::streamsize>(want));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got != want) {
      throw FormatError(std::string(kWhat) + ": truncated payload (" +
                        std::to_string(old_size + got) + " of " + std::to_string(payload_size) +
                        " bytes)");
    }
  }
  if (crc32_of(payload) != crc) {
    throw FormatError(std::string(kWhat) + ": checksum mismatch, the file is corrupt");
  }
  impl_->load(payload);
}

// --- weighting -----------------------------------------------------------------------------------

void count_terms(const AnalyzedText& text, Vocabulary& vocabulary, std::vector<TermCount>& out) {
  out.clear();
  const std::uint16_t slot = vocabulary.lang_slot_of(text.lang);
  for (const Term& term : text.terms) {
    if (term.offset > text.arena.size() || term.length > text.arena.size() - term.offset) {
      throw InputError("count_terms: term at offset " + std::to_string(term.offset) +
                       " lies outside the AnalyzedText arena");
    }
    const TermId id = vocabulary.intern_in_slot(slot, text.text(term), feature_kind(term.kind));
    const bool title = term.field == Field::title;
    out.push_back({id, title ? 0.0f : 1.0f, title ? 1.0f : 0.0f});
  }
  std::sort(out.begin(), out.end(),
            [](const TermCount& a, const TermCount& b) { return a.term < b.term; });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (kept > 0 && out[kept - 1].term == out[i].term) {
      out[kept - 1].body += out[i].body;
      out[kept - 1].title += out[i].title;
    } else {
      out[kept++] = out[i];
    }
  }
  out.resize(kept);
}

SparseVector weigh(std::span<const TermCount> counts, const DocumentFrequencies& df,
                   const WeightingOptions& options) {
  if (!(options.title_boost >= 0.0f) || !std::isfinite(options.title_boost) ||
      !(options.entity_boost >= 0.0f) || !std::isfinite(options.entity_boost)) {
    throw ConfigError("WeightingOptions: title_boost and entity_boost must be finite and >= 0");
  }
  const Vocabulary& vocabulary = df.vocabulary();
  std::vector<SparseEntry> entries;
  entries.reserve(counts.size());
  for (const TermCount& c : counts) {
    const double count = static_cast<double>(c.body) + double{options.title_boost} * c.title;
    if (!(count > 0.0)) continue;
    // Below one occurrence (a fractional title boost) 1 + ln would turn negative: stay linear.
    const double tf = options.sublinear_tf && count >= 1.0 ? 1.0 + std::log(count) : count;
    double w = tf * df.idf(c.term);
    const FeatureKind kind = vocabulary.kind(c.term);
    if (kind == FeatureKind::entity || kind == FeatureKind::number) w *= options.entity_boost;
    if (w != 0.0) entries.push_back({c.term, static_cast<float>(w)});
  }
  SparseVector v = SparseVector::from_sorted(std::move(entries));
  v.normalize();
  if (options.top_k > 0 && v.size() > options.top_k) {
    v.prune_top_k(options.top_k);
    v.normalize();
  }
  return v;
}

}  // namespace crossnews
