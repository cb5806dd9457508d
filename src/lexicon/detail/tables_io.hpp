#pragma once
// The built keyword map's tables in a model file (model.hpp): written as they are, so a model
// loads without analysing a single dictionary entry again.

#include <crossnews/lexicon.hpp>

#include "lexicon/detail/graph.hpp"
#include "model/detail/binary.hpp"

namespace crossnews::detail {

void write_tables(ByteWriter& out, const LexiconTables& tables);
/// Throws FormatError (through `in`) for counts, indices or ids out of range.
LexiconTables read_tables(ByteReader& in);

/// The tables of a built Lexicon, and a Lexicon made of read tables (lexicon.cpp).
const LexiconTables& tables_of(const Lexicon& lexicon);
Lexicon lexicon_of(LexiconTables tables);

}  // namespace crossnews::detail
