#pragma once
// Field conversions shared by the article reader and the evaluation file reader.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crossnews::detail {

/// The ISO 639-1 code of a language tag ("de", "DE", "de-DE", "de_CH" -> "de"; the withdrawn
/// "iw", "in", "ji" -> "he", "id", "yi"), or an empty view if the tag has none.
std::string_view iso639_1_code(std::string_view tag);

/// Seconds since 1970-01-01 UTC for "YYYY-MM-DD" optionally followed by 'T' (or 't' or a space)
/// and "HH:MM[:SS[.fraction]]" and an offset "Z", "+HH:MM", "+HHMM" or "+HH" (none = UTC).
/// nullopt for anything else, including impossible dates such as 2018-02-30.
std::optional<std::int64_t> parse_iso8601(std::string_view s);

/// Whether epoch seconds fall in the years 0000-9999 that ISO 8601 strings can express; larger
/// values are usually milliseconds given by mistake.
bool epoch_seconds_plausible(std::int64_t seconds);

/// Appends what Python's str() gives for the value json.loads makes of this JSON value (score.py
/// turns ids and story labels into strings that way): strings as-is, 7 -> "7", 7.50 -> "7.5",
/// 1e2 -> "100.0", true -> "True", containers as Python's repr of lists and dicts.
void append_python_str(simdjson::dom::element value, std::string& out);

/// As append_python_str, for a number read On-Demand.
void append_python_number(simdjson::ondemand::number value, std::string& out);

/// "string", "number", "boolean", "null", "array" or "object", for messages.
std::string_view json_type_name(simdjson::dom::element value);
std::string_view json_type_name(simdjson::ondemand::json_type type);

}  // namespace crossnews::detail
