#pragma once
// Models built with FreeDict dictionaries, kept between runs. Building the keyword map from the
// twelve dictionaries Debian packages takes some 12 s (every entry is analysed); reading the
// built model back takes a fraction of that. The library reads no environment and writes no file
// of its own, so the CLI keeps the cache: $XDG_CACHE_HOME/crossnews (else ~/.cache/crossnews),
// one file per key, written to a temporary file and renamed.
//
// A cache file holds the key it was built for, the warnings its build printed (skipped lexicon
// lines, shown again on each run) and the model (Model::save, CRC-checked). It is used only
// when its key is the run's key byte for byte and the model loads; anything else (another key, a
// truncated or corrupt file, another analyzer) is rebuilt and the file replaced.

#include <crossnews/crossnews.hpp>

#include <functional>
#include <string>
#include <vector>

namespace crossnews::cli {

/// $XDG_CACHE_HOME/crossnews, else $HOME/.cache/crossnews (relative values are ignored, as the
/// XDG specification asks); empty when neither is set.
std::string model_cache_dir();

/// What a model built from these sources depends on, one line each: this build of crossnews
/// (version; the program and the library file running it, by path, size and modification time),
/// the switches, and every source file by path, size and modification time (a dictionary's
/// index and its body).
std::string model_cache_key(const std::vector<std::string>& switches,
                            const std::vector<std::string>& files);

/// A model and the warnings its build wrote.
struct BuiltModel {
  Model model;
  std::string warnings;
};

/// The model of `dir`'s file for `key` when it holds one, else `build()`'s, written there for the
/// next run (a cache that cannot be written is skipped with a warning, unless quiet). The
/// warnings of the build are printed on stderr unless quiet, whichever way the model came.
Model cached_model(const std::string& dir, const std::string& key, const Analyzer& analyzer,
                   const std::function<BuiltModel()>& build, bool quiet);

}  // namespace crossnews::cli
