#pragma once
// Time arithmetic for windows that may reach past the ends of int64: article times are whatever
// the input says, and a window may be huge or infinite. Saturates instead of overflowing.

#include <cstdint>
#include <limits>

namespace crossnews::detail {

inline constexpr double kSecondsPerDay = 86400.0;

/// Seconds in `days` (>= 0), saturated: a window too large for int64 (or NaN) reaches everything.
inline std::int64_t window_seconds(double days) {
  const double seconds = days * kSecondsPerDay;
  // 2^63 is exactly representable; every double below it converts without overflow.
  if (!(seconds < 9223372036854775808.0)) return std::numeric_limits<std::int64_t>::max();
  return seconds > 0.0 ? static_cast<std::int64_t>(seconds) : 0;
}

inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max()
               : std::numeric_limits<std::int64_t>::min();
}

inline std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
  std::int64_t difference;
  if (!__builtin_sub_overflow(a, b, &difference)) return difference;
  return b < 0 ? std::numeric_limits<std::int64_t>::max()
               : std::numeric_limits<std::int64_t>::min();
}

/// a - b in seconds as a double, exact where it fits int64 (times at opposite ends do not).
inline double seconds_between(std::int64_t a, std::int64_t b) {
  std::int64_t difference;
  if (!__builtin_sub_overflow(a, b, &difference)) return static_cast<double>(difference);
  return static_cast<double>(a) - static_cast<double>(b);
}

}  // namespace crossnews::detail
