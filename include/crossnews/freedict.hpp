#pragma once
// Reading FreeDict bilingual dictionaries (the dictd format Debian installs under
// /usr/share/dictd/freedict-deu-ita.index + .dict.dz) into headword -> translations lists that the
// keyword map (lexicon.hpp) turns into cross-language term links.
//
// The reader keeps only what links words: the headword and its translations as plain phrases.
// Pronunciations (/.../), grammar notes (<...>), usage labels ([...]), parenthesised asides,
// sense numbers, glosses, examples, notes, synonym and cross-reference lines are dropped; a
// translation line is split on ',' and ';'. Three layouts are recognised, all by the same rule
// (a sense's translations are the first line after the headword or after a sense number, every
// other line is commentary): Ergane ("1. scienza\n2. conoscenza"), Ding (deu-eng: one
// translation line, then indented notes) and WikDict (deu-fra: a translation line followed by a
// gloss in the source language).
//
// Thread safety: free functions without shared state.

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews {

/// One dictionary entry. Several entries may share a headword (one per sense or part of speech).
struct DictEntry {
  std::string headword;  ///< as printed in the entry body, e.g. "Verbot"
  /// In dictionary order, except that translations marked rare or specialist ([obs.], [formal],
  /// [coll.], [bot.], ...) follow the others: translations[0, primary) are the unmarked ones.
  std::vector<std::string> translations;
  std::size_t primary = 0;
};

struct FreeDict {
  std::string lang_from;           ///< ISO 639-1 code of the headwords, e.g. "de"
  std::string lang_to;             ///< ISO 639-1 code of the translations, e.g. "it"
  std::vector<DictEntry> entries;  ///< in body order (the order the dictionary was written in)
};

struct FreeDictOptions {
  /// Longest headword or translation kept, in words. Big dictionaries (Ding) hold whole example
  /// sentences as entries; raising this keeps more idioms and sentences, which link poorly.
  std::size_t max_words = 3;
  /// Language codes (ISO 639-1) overriding those read from the file name
  /// `freedict-<from>-<to>.index`; needed for dictionaries named otherwise.
  std::string lang_from;
  std::string lang_to;
};

/// Reads `index_path` (headword TAB base64 offset TAB base64 length per line) and the body next to
/// it: the same path with ".index" replaced by ".dict.dz" (dictzip, read as plain gzip) or ".dict".
/// Entries named 00database* (dictionary metadata) and entries without translations are skipped.
/// Throws IoError when a file cannot be opened, InputError when the languages cannot be told from
/// the file name, and FormatError (naming file and line) for bad base64, an entry beyond the end
/// of the body, or a corrupt or truncated gzip stream.
[[nodiscard]] FreeDict read_freedict(const std::string& index_path,
                                     const FreeDictOptions& options = {});

/// The FreeDict dictionaries installed in `dir` (Debian's dict-freedict-* packages put them in
/// /usr/share/dictd): each freedict-<from>-<to>.index there whose two languages have ISO 639-1
/// codes and whose body (.dict.dz or .dict) lies beside it, sorted by path. Empty when `dir` does
/// not exist or holds none; IoError when it exists but cannot be listed.
[[nodiscard]] std::vector<std::string> find_freedicts(const std::string& dir);

/// Writes one line per headword/translation pair in the lexicon's pairs form, loadable with
/// LexiconBuilder::load_tsv: `lang_from TAB headword TAB lang_to TAB translation TAB weight TAB
/// freedict`, with the default FreeDict weight (LexiconOptions::freedict_weight).
void write_pairs_tsv(std::ostream& out, const FreeDict& dict);

/// ISO 639-1 code for an ISO 639-3 code used in FreeDict file names ("deu" -> "de"), or "" when
/// the code is not known.
[[nodiscard]] std::string_view iso639_1_from_3(std::string_view iso639_3);

}  // namespace crossnews
