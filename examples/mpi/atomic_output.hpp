#pragma once
// An output file that appears whole or not at all: written under a temporary name in the same
// directory, synced, and renamed over the target only by commit(). Dropped uncommitted (an error
// on the way), the temporary file is removed and the target keeps its earlier contents.

#include <fstream>
#include <string>

namespace crossnews::mpi {

class AtomicOutput {
 public:
  /// Creates the temporary file; IoError if the directory is not writable.
  explicit AtomicOutput(std::string path);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  std::ostream& stream() { return out_; }
  /// Flushes, syncs and renames into place; IoError (temporary removed) if any write failed.
  void commit();

 private:
  std::string path_;
  std::string temp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace crossnews::mpi
