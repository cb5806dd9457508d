#pragma once
// Background document frequencies before and after projection onto a keyword map (model.hpp),
// the shipped text format they travel in, and the analyzer options they depend on.

#include <crossnews/analyzer.hpp>
#include <crossnews/document.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/tfidf.hpp>

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>

namespace crossnews::detail {

/// The analyzer options that change terms, as "stem=1 remove_stopwords=1 ..." (latin_fast_path
/// gives the same terms either way and is left out).
std::string analyzer_signature(const AnalyzerOptions& options);
/// Throws ConfigError when `stored` (a signature) differs from `options`, naming `source`, the
/// first differing option and both values.
void check_analyzer(std::string_view stored, const AnalyzerOptions& options,
                    std::string_view source);

/// Counts each article's distinct analysed terms into `df` (one document each) over its
/// `vocabulary`.
void count_background(const Analyzer& analyzer, std::span<const Article> articles,
                      Vocabulary& vocabulary, DocumentFrequencies& df);

/// Text form, one record a line (TAB-separated): `analyzer SIGNATURE`, `documents LANG N` per
/// language, then `LANG KIND TERM DF` (LANG "" for names and numbers) sorted; '#' starts a
/// comment. Terms in fewer than `min_df` documents are left out.
void write_background_tsv(std::ostream& out, const DocumentFrequencies& df,
                          std::string_view signature, double min_df);
/// Adds a text background to `df`; FormatError naming `name` and the line for a bad record,
/// ConfigError (check_analyzer) for other analyzer options.
void read_background_tsv(std::string_view name, std::string_view content,
                         const AnalyzerOptions& options, DocumentFrequencies& df);

/// Projects raw background counts onto the keyword map's features (model.hpp gives the
/// estimate), into `out` (empty, same vocabulary as the featurizer's naming of concepts).
void project_background(const DocumentFrequencies& raw, const Lexicon& lexicon,
                        DocumentFrequencies& out);

}  // namespace crossnews::detail
