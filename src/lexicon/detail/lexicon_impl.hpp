#pragma once
// The state of a built Lexicon, shared by the Lexicon (lexicon.cpp) and the LexiconBuilder that
// fills it (lexicon_builder.cpp).

#include <crossnews/error.hpp>
#include <crossnews/lexicon.hpp>

#include "lexicon/detail/graph.hpp"

#include <cstdint>
#include <string>

namespace crossnews {

struct Lexicon::Impl {
  detail::LexiconTables tables;

  void check(std::uint32_t concept_id) const {
    if (concept_id >= tables.names.size()) {
      throw InputError("unknown concept id " + std::to_string(concept_id) + " (lexicon has " +
                       std::to_string(tables.names.size()) + " concepts)");
    }
  }
};

}  // namespace crossnews
