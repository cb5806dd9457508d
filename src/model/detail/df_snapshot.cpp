#include "model/detail/binary.hpp"
#include "model/detail/df_table.hpp"
#include "model/detail/snapshot.hpp"

#include <crossnews/error.hpp>

#include <algorithm>
#include <array>
#include <istream>
#include <ostream>
#include <string>

namespace crossnews::detail {

namespace {

constexpr SnapshotKind kKind{{'C', 'N', 'X', 'D', 'F', '\x89', '\r', '\n'}, 1, "DF snapshot"};

}  // namespace

// Snapshot layout
//
// header:  magic[8] version:u32 payload_size:u64 crc32(payload):u32
// payload: half_life_days:f64 window_days:f64 now:i64 reference:i64 total:f64
//          languages:u64 {length:u32 bytes}... documents:f64[languages]
//          terms:u64 {kind:u8 language:u32 length:u32 bytes df:f64}...
//          buckets:u64 {day:i64 total:f64 documents:f64[languages]
//                       entries:u64 {term:u64 (index into terms) df:f64}...}...
// All little-endian. Terms are stored by (kind, language, text), so a snapshot loads into any
// vocabulary and shards written by different processes can be combined with merge().

void DfTable::save(std::ostream& out) const {
  std::string payload;
  ByteWriter w(payload);
  w.f64(options.half_life_days);
  w.f64(options.window_days);
  w.i64(now);
  w.i64(reference);
  w.f64(total);
  const std::size_t languages = vocabulary->language_count();
  w.u64(languages);
  for (std::size_t s = 0; s < languages; ++s) {
    const std::string_view lang = vocabulary->slot_lang(LangSlot{static_cast<std::uint16_t>(s)});
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
    w.u32(vocabulary->lang_slot(t).value());
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

  write_snapshot(out, kKind, payload);
}

namespace {

// A snapshot's payload as read and validated, before anything touches the vocabulary.
struct StoredTerm {
  FeatureKind kind;
  std::uint32_t lang;
  std::string_view text;
  double df;
};
struct StoredBucket {
  std::int64_t day;
  double total;
  std::vector<double> documents;
  std::vector<std::pair<std::uint64_t, double>> df;  // (index into terms, df)
};
struct StoredPayload {
  DfOptions options;  // decay and window the snapshot was made with
  std::int64_t now = 0;
  std::int64_t reference = 0;
  double total = 0.0;
  std::vector<std::string_view> langs;
  std::vector<double> documents_by_lang;
  std::vector<StoredTerm> terms;
  std::vector<StoredBucket> buckets;
};

void read_languages(ByteReader& r, StoredPayload& p) {
  const std::uint64_t languages = r.count("languages", 4 + 8);
  if (languages == 0 || languages > 65536) {
    r.fail("languages", r.position() - 8, "must be between 1 and 65536");
  }
  p.langs.reserve(languages);
  for (std::uint64_t s = 0; s < languages; ++s) {
    p.langs.push_back(r.bytes(r.u32("language length"), "language"));
  }
  p.documents_by_lang.resize(languages);
  for (double& v : p.documents_by_lang) v = r.non_negative("documents");
}

void read_terms(ByteReader& r, StoredPayload& p) {
  const std::uint64_t term_count = r.count("terms", 1 + 4 + 4 + 8);
  p.terms.reserve(term_count);
  for (std::uint64_t i = 0; i < term_count; ++i) {
    StoredTerm t{};
    const std::size_t at = r.position();
    const std::uint8_t kind = r.u8("term kind");
    if (kind > static_cast<std::uint8_t>(FeatureKind::concept_)) {
      r.fail("term kind", at, "has unknown value " + std::to_string(kind));
    }
    t.kind = static_cast<FeatureKind>(kind);
    t.lang = r.u32("term language");
    if (t.lang >= p.langs.size()) r.fail("term language", at + 1, "is out of range");
    t.text = r.bytes(r.u32("term length"), "term text");
    t.df = r.non_negative("term df");
    p.terms.push_back(t);
  }
}

void read_buckets(ByteReader& r, StoredPayload& p) {
  const std::size_t languages = p.langs.size();
  const std::uint64_t bucket_count = r.count("buckets", 8 + 8 + 8 * languages + 8);
  p.buckets.resize(bucket_count);
  for (std::uint64_t b = 0; b < bucket_count; ++b) {
    StoredBucket& bucket = p.buckets[b];
    const std::size_t at = r.position();
    bucket.day = r.i64("bucket day");
    if (b > 0 && bucket.day <= p.buckets[b - 1].day) {
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
      if (index >= p.terms.size()) r.fail("bucket term", entry_at, "is out of range");
      bucket.df.emplace_back(index, r.non_negative("bucket df"));
    }
  }
}

StoredPayload read_payload(std::string_view payload, const DfTable& into) {
  ByteReader r(payload, kKind.what);
  StoredPayload p;
  p.options.half_life_days = r.f64("half_life_days");
  p.options.window_days = r.f64("window_days");
  into.check_compatible(p.options, "DocumentFrequencies::load: the snapshot's");
  p.now = r.i64("now");
  p.reference = r.i64("reference");
  p.total = r.non_negative("total");
  read_languages(r, p);
  read_terms(r, p);
  read_buckets(r, p);
  if (r.remaining() != 0) r.fail("payload", r.position(), "has trailing bytes");
  return p;
}

}  // namespace

void DfTable::load_payload(std::string_view payload) {
  const StoredPayload stored = read_payload(payload, *this);

  // Everything is validated: now intern into the vocabulary and commit.
  DfTable fresh;
  fresh.vocabulary = vocabulary;
  fresh.options = options;
  fresh.now = stored.now;
  fresh.reference = stored.reference;
  fresh.total = stored.total;
  const std::size_t languages = stored.langs.size();
  std::vector<std::uint16_t> slots(languages);
  for (std::size_t s = 0; s < languages; ++s) {
    slots[s] = vocabulary->lang_slot_of(stored.langs[s]).value();
    bump_at(fresh.documents, slots[s], stored.documents_by_lang[s]);
  }
  std::vector<std::uint32_t> ids(stored.terms.size());
  for (std::size_t i = 0; i < stored.terms.size(); ++i) {
    const StoredTerm& t = stored.terms[i];
    ids[i] = vocabulary->intern_in_slot(LangSlot{slots[t.lang]}, t.text, t.kind).value();
    bump_at(fresh.df, ids[i], t.df);
  }
  for (const StoredBucket& from : stored.buckets) {
    DayBucket& bucket = fresh.buckets.emplace_back();
    bucket.day = from.day;
    bucket.total = from.total;
    for (std::size_t s = 0; s < languages; ++s) {
      bump_at(bucket.documents, slots[s], from.documents[s]);
    }
    for (const auto& [index, v] : from.df) bucket.df[ids[index]] += v;
  }
  *this = std::move(fresh);
}

void DfTable::load(std::istream& in) { load_payload(read_snapshot(in, kKind)); }

}  // namespace crossnews::detail
