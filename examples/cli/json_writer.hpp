#pragma once
// Minimal JSON output for the CLI: escaping and a few value writers. Output only; the library
// reads JSON with simdjson.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <string_view>

namespace crossnews::cli {

inline void write_json_string(std::ostream& out, std::string_view s) {
  out << '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\r': out << "\\r"; break;
      case '\t': out << "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out << buf;
        } else {
          out << static_cast<char>(c);
        }
    }
  }
  out << '"';
}

inline void write_json_number(std::ostream& out, double v) {
  if (!std::isfinite(v)) {
    out << "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  out << buf;
}

/// Writes {"k":v,...} for string values.
inline void write_json_object(std::ostream& out, const std::map<std::string, std::string>& m) {
  out << '{';
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out << ',';
    first = false;
    write_json_string(out, k);
    out << ':';
    write_json_string(out, v);
  }
  out << '}';
}

/// Writes one JSON object, a member per call in the order of the calls, e.g.
/// `JsonObject(out).text("id", id).count("size", 3).close();` writes {"id":"…","size":3} and a
/// newline.
class JsonObject {
 public:
  explicit JsonObject(std::ostream& out) : out_(out) { out_ << '{'; }

  JsonObject& text(std::string_view key, std::string_view value) {
    write_json_string(member(key), value);
    return *this;
  }
  /// A decimal number, 6 significant digits; null when not finite.
  JsonObject& number(std::string_view key, double value) {
    write_json_number(member(key), value);
    return *this;
  }
  JsonObject& count(std::string_view key, std::uint64_t value) {
    member(key) << value;
    return *this;
  }
  JsonObject& flag(std::string_view key, bool value) {
    member(key) << (value ? "true" : "false");
    return *this;
  }
  /// A member whose value is an array: `write_item(stream, item)` writes each of `items`.
  template <class Items, class WriteItem>
  JsonObject& array(std::string_view key, const Items& items, WriteItem&& write_item) {
    std::ostream& out = member(key) << '[';
    const char* separator = "";
    for (const auto& item : items) {
      out << separator;
      separator = ",";
      write_item(out, item);
    }
    out << ']';
    return *this;
  }
  /// Writes the key of a member whose value the caller writes next, to the stream returned.
  std::ostream& member(std::string_view key) {
    out_ << separator_;
    separator_ = ",";
    write_json_string(out_, key);
    return out_ << ':';
  }
  /// Ends the object and writes `after` (a newline ends a JSON line).
  void close(std::string_view after = "\n") { out_ << '}' << after; }

 private:
  std::ostream& out_;
  const char* separator_ = "";
};

}  // namespace crossnews::cli
