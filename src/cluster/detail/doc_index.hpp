#pragma once
// Clustering keeps documents as plain indices (loops, index keys, member lists); the public API
// takes them as DocId. This is the one conversion.

#include <crossnews/strong_id.hpp>

#include <cstddef>

namespace crossnews::detail {

[[nodiscard]] constexpr DocId doc_id(std::size_t index) {
  return DocId{static_cast<DocId::rep_type>(index)};
}

}  // namespace crossnews::detail
