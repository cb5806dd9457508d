#pragma once
// One small exception hierarchy. The library never prints or exits: it throws one of these,
// with a message naming the file, line and field where it can, or reports rejected items.

#include <stdexcept>
#include <string>

namespace crossnews {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input data: a malformed article, lexicon line or option value.
class InputError : public Error {
 public:
  using Error::Error;
};

/// Inconsistent or out-of-range options.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// A file that exists but is corrupt, truncated or of an unknown version (snapshots, dictionaries).
class FormatError : public Error {
 public:
  using Error::Error;
};

/// A file or directory that cannot be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace crossnews
