#pragma once
// An article as crossnews reads it.

#include <cstdint>
#include <optional>
#include <string>

namespace crossnews {

struct Article {
  std::string id;
  std::string title;
  std::string text;
  /// ISO 639-1 code ("de", "it", ...); empty means "detect it".
  std::string lang;
  /// Publication time in seconds since 1970-01-01 UTC, when known.
  std::optional<std::int64_t> time;
  /// Gold story label, when the input carries one (used by evaluation only).
  std::string story;
};

}  // namespace crossnews
