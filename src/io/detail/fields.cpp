#include "io/detail/fields.hpp"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>
#include <vector>

namespace crossnews::detail {
namespace {

// ISO 639-1 (the 183 current codes plus the withdrawn "bh", still common in corpora), sorted.
constexpr std::array<std::string_view, 184> kIso639_1 = {
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj",
    "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln",
    "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb",
    "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi",
    "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk",
    "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti",
    "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo",
    "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu"};

// Seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
constexpr std::int64_t kMinEpoch = -62167219200;
constexpr std::int64_t kMaxEpoch = 253402300799;

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  [[nodiscard]] bool done() const { return i_ == s_.size(); }
  [[nodiscard]] char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  /// Reads exactly n decimal digits.
  bool digits(int n, int& value) {
    value = 0;
    for (int k = 0; k < n; ++k) {
      const char c = peek();
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
      ++i_;
    }
    return true;
  }
  std::size_t skip_digits() {
    const std::size_t start = i_;
    while (peek() >= '0' && peek() <= '9') ++i_;
    return i_ - start;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

/// Parses the time-of-day part; returns seconds after midnight minus the UTC offset.
std::optional<std::int64_t> parse_clock(Cursor& in) {
  int hour = 0, minute = 0, second = 0;
  if (!in.digits(2, hour) || !in.eat(':') || !in.digits(2, minute)) return std::nullopt;
  if (in.eat(':')) {
    if (!in.digits(2, second)) return std::nullopt;
    if ((in.eat('.') || in.eat(',')) && in.skip_digits() == 0) return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: leap second
  std::int64_t seconds = hour * 3600 + minute * 60 + second;
  if (in.eat('Z') || in.eat('z') || in.done()) return seconds;
  const char sign = in.peek();
  if (sign != '+' && sign != '-') return std::nullopt;
  in.eat(sign);
  int off_hour = 0, off_minute = 0;
  if (!in.digits(2, off_hour)) return std::nullopt;
  if (!in.done()) {
    in.eat(':');
    if (!in.digits(2, off_minute)) return std::nullopt;
  }
  if (off_hour > 23 || off_minute > 59) return std::nullopt;
  const std::int64_t offset = off_hour * 3600 + off_minute * 60;
  return sign == '+' ? seconds - offset : seconds + offset;
}

// --- Python str()/repr() of json.loads values -----------------------------------------------

void append_hex(std::string& out, char32_t c, int width) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = (width - 1) * 4; shift >= 0; shift -= 4) out += kHex[(c >> shift) & 0xF];
}

/// Python's str.isprintable for code points >= 0x80, for the categories news text meets:
/// C1 controls, format characters, separators other than ' ', surrogates and private use.
/// Unassigned code points (also non-printable for Python) are not tracked.
bool python_printable(char32_t c) {
  static constexpr std::pair<char32_t, char32_t> kNonPrintable[] = {
      {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},
      {0x6DD, 0x6DD},     {0x70F, 0x70F},     {0x8E2, 0x8E2},     {0x1680, 0x1680},
      {0x180E, 0x180E},   {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x206F},
      {0x3000, 0x3000},   {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},
      {0xFFFE, 0xFFFF},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x1BCA0, 0x1BCA3},
      {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xF0000, 0x10FFFF}};
  for (const auto& [lo, hi] : kNonPrintable) {
    if (c >= lo && c <= hi) return false;
  }
  return true;
}

/// Decodes the code point at s[i] (s is valid UTF-8, as simdjson guarantees) and advances i.
char32_t decode_utf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[k]));
  };
  const char32_t lead = byte(i);
  int trail = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3;
  char32_t c = trail == 0 ? lead : lead & (0x3F >> trail);
  for (int k = 1; k <= trail; ++k) c = (c << 6) | (byte(i + k) & 0x3F);
  i += trail + 1;
  return c;
}

void append_python_repr(std::string_view s, std::string& out) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const char quote = has_single && s.find('"') == std::string_view::npos ? '"' : '\'';
  out += quote;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    const char32_t c = decode_utf8(s, i);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && !python_printable(c))) {
      out += c <= 0xFF ? "\\x" : c <= 0xFFFF ? "\\u" : "\\U";
      append_hex(out, c, c <= 0xFF ? 2 : c <= 0xFFFF ? 4 : 8);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  out += quote;
}

/// Python's repr(float): shortest round-trip digits, positional when the decimal exponent is in
/// [-4, 16), else scientific with a signed exponent of at least two digits.
void append_python_float(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "nan";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? "-inf" : "inf";
    return;
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(end - buf));  // "-1.25e+03"
  const std::size_t e = sci.find('e');
  std::string digits;
  std::size_t i = 0;
  if (sci[0] == '-') {
    out += '-';
    i = 1;
  }
  for (; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  int exponent = 0;
  const char* exp_begin = sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0);
  std::from_chars(exp_begin, sci.data() + sci.size(), exponent);
  const int point = exponent + 1;  // digits before the decimal point
  const int n = static_cast<int>(digits.size());
  if (point > -4 && point <= 16) {
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-point), '0');
      out += digits;
    } else if (point >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(point - n), '0');
      out += ".0";
    } else {
      out.append(digits, 0, static_cast<std::size_t>(point));
      out += '.';
      out.append(digits, static_cast<std::size_t>(point));
    }
    return;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out.append(digits, 1);
  }
  out += exponent < 0 ? "e-" : "e+";
  const int magnitude = exponent < 0 ? -exponent : exponent;
  if (magnitude < 10) out += '0';
  out += std::to_string(magnitude);
}

void append_value(simdjson::dom::element value, std::string& out, bool nested) {
  using Type = simdjson::dom::element_type;
  switch (value.type()) {
    case Type::STRING:
      if (nested) {
        append_python_repr(value.get_string().value_unsafe(), out);
      } else {
        out += value.get_string().value_unsafe();
      }
      return;
    case Type::INT64:
      out += std::to_string(value.get_int64().value_unsafe());
      return;
    case Type::UINT64:
      out += std::to_string(value.get_uint64().value_unsafe());
      return;
    case Type::DOUBLE:
      append_python_float(value.get_double().value_unsafe(), out);
      return;
    case Type::BOOL:
      out += value.get_bool().value_unsafe() ? "True" : "False";
      return;
    case Type::NULL_VALUE:
      out += "None";
      return;
    case Type::ARRAY: {
      out += '[';
      bool first = true;
      const simdjson::dom::array array = value.get_array().value_unsafe();
      for (simdjson::dom::element item : array) {
        if (!first) out += ", ";
        first = false;
        append_value(item, out, true);
      }
      out += ']';
      return;
    }
    case Type::OBJECT: {
      // a Python dict keeps a repeated key at its first position with its last value
      std::vector<std::pair<std::string_view, simdjson::dom::element>> entries;
      absl::flat_hash_map<std::string_view, std::size_t> position;
      const simdjson::dom::object object = value.get_object().value_unsafe();
      for (simdjson::dom::key_value_pair field : object) {
        const auto [it, inserted] = position.try_emplace(field.key, entries.size());
        if (inserted) {
          entries.emplace_back(field.key, field.value);
        } else {
          entries[it->second].second = field.value;
        }
      }
      out += '{';
      for (std::size_t k = 0; k < entries.size(); ++k) {
        if (k > 0) out += ", ";
        append_python_repr(entries[k].first, out);
        out += ": ";
        append_value(entries[k].second, out, true);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string_view iso639_1_code(std::string_view tag) {
  const std::size_t end = tag.find_first_of("-_");
  const std::string_view primary = tag.substr(0, end);
  if (primary.size() != 2) return {};
  char code[2];
  for (int k = 0; k < 2; ++k) {
    const char c = primary[k];
    if (c >= 'A' && c <= 'Z') {
      code[k] = static_cast<char>(c - 'A' + 'a');
    } else if (c >= 'a' && c <= 'z') {
      code[k] = c;
    } else {
      return {};
    }
  }
  const std::string_view lower(code, 2);
  if (lower == "iw") return "he";
  if (lower == "in") return "id";
  if (lower == "ji") return "yi";
  const auto it = std::lower_bound(kIso639_1.begin(), kIso639_1.end(), lower);
  return it != kIso639_1.end() && *it == lower ? *it : std::string_view{};
}

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  Cursor in(s);
  int year = 0, month = 0, day = 0;
  if (!in.digits(4, year) || !in.eat('-') || !in.digits(2, month) || !in.eat('-') ||
      !in.digits(2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t midnight =
      std::int64_t{std::chrono::sys_days{date}.time_since_epoch().count()} * 86400;
  if (in.done()) return midnight;
  if (!in.eat('T') && !in.eat('t') && !in.eat(' ')) return std::nullopt;
  const auto clock = parse_clock(in);
  if (!clock || !in.done()) return std::nullopt;
  return midnight + *clock;
}

bool epoch_seconds_plausible(std::int64_t seconds) {
  return seconds >= kMinEpoch && seconds <= kMaxEpoch;
}

void append_python_str(simdjson::dom::element value, std::string& out) {
  append_value(value, out, false);
}

void append_python_number(simdjson::ondemand::number value, std::string& out) {
  switch (value.get_number_type()) {
    case simdjson::ondemand::number_type::signed_integer:
      out += std::to_string(value.get_int64());
      return;
    case simdjson::ondemand::number_type::unsigned_integer:
      out += std::to_string(value.get_uint64());
      return;
    case simdjson::ondemand::number_type::floating_point_number:
      append_python_float(value.get_double(), out);
      return;
  }
}

std::string_view json_type_name(simdjson::ondemand::json_type type) {
  using Type = simdjson::ondemand::json_type;
  constexpr std::pair<Type, std::string_view> kNames[] = {
      {Type::string, "string"}, {Type::number, "number"}, {Type::boolean, "boolean"},
      {Type::null, "null"},     {Type::array, "array"},   {Type::object, "object"}};
  for (const auto& [each, name] : kNames) {
    if (each == type) return name;
  }
  return "value";
}

std::string_view json_type_name(simdjson::dom::element value) {
  using Dom = simdjson::dom::element_type;
  using Json = simdjson::ondemand::json_type;
  const Dom type = value.type();
  return json_type_name(type == Dom::STRING       ? Json::string
                        : type == Dom::BOOL       ? Json::boolean
                        : type == Dom::NULL_VALUE ? Json::null
                        : type == Dom::ARRAY      ? Json::array
                        : type == Dom::OBJECT     ? Json::object
                                                  : Json::number);
}

}  // namespace crossnews::detail
