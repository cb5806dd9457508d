#pragma once
// The frame and the options record of a saved StreamClusterer (stream_clusterer.cpp writes the
// rest through state_io.hpp). The options a state was made with are stored by name, so a state
// loaded with other options -- which would give other stories than one uninterrupted run -- is
// refused with a message naming the first option that differs.

#include <crossnews/analyzer.hpp>
#include <crossnews/clusterer.hpp>

#include "cluster/detail/state_io.hpp"
#include "model/detail/snapshot.hpp"

namespace crossnews::detail {

// Version 2: retired stories keep their summaries; released articles, their ids only.
// Version 3: held articles keep what weighs them again by the idf now.
inline constexpr SnapshotKind kStreamStateKind{
    {'C', 'N', 'X', 'S', 'T', '\x89', '\r', '\n'}, 3, "stream state"};

void write_options(StateWriter& out, const AnalyzerOptions& analyzer,
                   const ClusterOptions& options);
/// Throws ConfigError naming the first option whose stored value differs from the given one.
void check_options(StateReader& in, const AnalyzerOptions& analyzer,
                   const ClusterOptions& options);

/// A retired story's summary but for its id, size and members, in bytes: a StorySummary's maps
/// cost about 1 KB, the bytes a third of it, and a stream keeps one per story it ever had.
[[nodiscard]] std::string pack_summary(const StorySummary& summary);
/// FormatError for bytes pack_summary() did not make.
[[nodiscard]] StorySummary unpack_summary(std::string_view packed);

}  // namespace crossnews::detail
