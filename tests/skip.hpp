#pragma once
// Skips that ctest reports as skipped: a test whose data or tool is absent calls one of these
// first and returns when it says so. The message is matched by SKIP_REGULAR_EXPRESSION in
// tests/CMakeLists.txt. (doctest's skip decorator would hide the test from ctest altogether.)

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace crossnews::test {

/// True, after the message ctest looks for, when `absent`; `what` says what is missing.
inline bool skip_if(bool absent, const std::string& what) {
  if (!absent) return false;
  MESSAGE("crossnews-test-skipped: " << what);
  return true;
}

/// The shared data directory (../shared beside the repository).
inline std::filesystem::path shared_dir() { return CROSSNEWS_SHARED_DIR; }

/// True when `relative` under ../shared is absent, as on a clone without the shared data.
inline bool skip_without_shared(const std::string& relative) {
  const std::filesystem::path path = shared_dir() / relative;
  return skip_if(!std::filesystem::exists(path), path.string() + " is absent");
}

}  // namespace crossnews::test
