#pragma once
// A model: everything clustering needs besides the articles, built once and saved, the way
// sentencepiece ships a model and Xapian keeps frequency sources apart from matching.
//
//   analyzer options  the options the keyword map's stems and the background's terms were made
//                     with; loading a model against an Analyzer with other options is a
//                     ConfigError naming the option (its stems would silently miss otherwise);
//   keyword map       the built Lexicon, stored as its tables: loading reads them back without
//                     analysing a dictionary entry (with the shipped lexicon and all 12 FreeDict
//                     dictionaries, `crossnews cluster` on one article takes 12.6 s building
//                     the map from its rows, 0.7 s loading a 16 MB model of its tables);
//   background        document frequencies of a general corpus (tfidf.hpp, set_background) in
//                     the featurizer's feature space, so that a tiny input gets sensible weights.
//
// The background shipped with the library (data/background/df.tsv, made by
// scripts/build_background.sh from the translated Debian manual pages and Debian Reference in de,
// en, es, fr and it) holds analysed terms per language. A model projects them onto its keyword
// map's concepts as the featurizer projects an article's words; a concept's document frequency
// in language l is estimated as if its words occurred independently:
//   df_l(c) = N_l * (1 - prod_{w in c, lang l} (1 - df(w) / N_l) * prod_{names e in c} (1 - df(e) / N))
// (N_l: background documents of l, N: all of them), summed over the languages. Multi-word lexicon
// forms and spelling variants of names are matched in articles only, not in the background.
//
// File: the frame of the DF snapshot (magic, version, size, CRC-32), then the analyzer options,
// the lexicon tables and the background as a DF snapshot. A corrupt, truncated or foreign file
// is a FormatError naming the file; nothing is half-loaded.
//
// Thread safety: a Model is immutable after build() or load() and may be shared by any number of
// featurizers and clusterers on any threads.

#include <crossnews/analyzer.hpp>
#include <crossnews/document.hpp>
#include <crossnews/impl_ptr.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/tfidf.hpp>

#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace crossnews {

class Model {
 public:
  /// The analyzer the model was built or loaded with; it must outlive the model.
  [[nodiscard]] const Analyzer& analyzer() const;
  [[nodiscard]] const Lexicon& lexicon() const;
  /// Background document frequencies over the model's features (empty when built without).
  [[nodiscard]] const DocumentFrequencies& background() const;

  /// Throws IoError if the stream fails.
  void save(std::ostream& out) const;
  /// Reads a model saved by save(). `name` (the file) is named in every error: FormatError for a
  /// corrupt, truncated, foreign or unknown-version file, ConfigError when `analyzer` has other
  /// options than those the model was built with. `analyzer` must outlive the model.
  [[nodiscard]] static Model load(std::istream& in, const Analyzer& analyzer,
                                  std::string_view name = "model");
  /// The same for a file; IoError when it cannot be opened.
  [[nodiscard]] static Model load(const std::string& path, const Analyzer& analyzer);

 private:
  Model();
  struct Impl;
  detail::ImplPtr<Impl> impl_;
  friend class ModelBuilder;
};

/// Collects a model's keyword map and background, then builds it. Not thread-safe.
class ModelBuilder {
 public:
  /// `analyzer` must outlive the builder and the models it builds.
  explicit ModelBuilder(const Analyzer& analyzer, LexiconOptions options = {});

  /// Add the keyword map's sources here (add_builtin, load_tsv, load_freedict, compose_pivot).
  [[nodiscard]] LexiconBuilder& lexicon();

  /// Adds the background shipped with the library. Throws ConfigError naming the option when the
  /// analyzer's options differ from those it was counted with.
  void add_builtin_background();
  /// Counts each article as one background document (its distinct analysed terms).
  void add_background(std::span<const Article> articles);
  /// Adds a background table in the shipped format (write_background); `name` is named in
  /// errors: FormatError for a bad line, ConfigError for other analyzer options.
  void load_background(std::string_view name, std::string_view content);
  /// Writes the background counted so far in the shipped format, leaving out terms in fewer
  /// than `min_df` documents (rare terms weigh little against the input's own counts).
  void write_background(std::ostream& out, double min_df = 1.0) const;
  /// Background documents counted so far.
  [[nodiscard]] double background_documents() const;

  /// Builds the keyword map and projects the background onto it.
  [[nodiscard]] Model build() const;

 private:
  struct Impl;
  detail::ImplPtr<Impl> impl_;
};

}  // namespace crossnews
