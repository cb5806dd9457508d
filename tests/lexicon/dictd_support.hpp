#pragma once
// Writing dictd (FreeDict) dictionaries for the lexicon tests: offsets in dictd's base64, and
// gzip bodies.

#include <doctest/doctest.h>
#include <zlib.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace crossnews::test {

/// An offset or length as a dictd index writes it.
inline std::string dictd_base64(std::size_t value) {
  static constexpr std::string_view kDigits =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[value % 64]);
    value /= 64;
  } while (value > 0);
  return digits;
}

inline void write_gzip(const std::filesystem::path& path, const std::string& text) {
  gzFile file = gzopen(path.string().c_str(), "wb");
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, text.data(), static_cast<unsigned>(text.size())) ==
          static_cast<int>(text.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

}  // namespace crossnews::test
