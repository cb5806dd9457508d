#pragma once
// Output files of the CLI: written whole or not at all, never over one of the run's inputs.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace crossnews::cli {

/// A file named on the command line, with the option that named it (for messages).
struct NamedPath {
  std::string option;  ///< "-o", "--stories", "INPUT", ...
  std::string path;    ///< "-" is stdin for inputs, stdout for outputs
};

/// Refuses, with a usage error naming both, an output that is the same file as an input or as
/// another output (existing files compared by device and inode, new ones by normalised path),
/// two outputs that both ask for stdout, and two inputs that both read stdin. An output inside an
/// input directory is fine.
void check_outputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

/// One output of a run. A regular file is written to a temporary file created beside it (same
/// directory, unique name, so concurrent runs never share one), which commit() fsyncs and renames
/// over the path; destroyed without commit() -- any failure -- the temporary file is removed and
/// the path keeps its old content. "-" is stdout and devices or FIFOs are written directly (they
/// cannot be replaced). Opening fails fast (exit 1) when the path cannot be written.
class AtomicOutput {
 public:
  explicit AtomicOutput(NamedPath target);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  std::ostream& stream() { return *stream_; }
  /// Flushes; for a file, fsyncs and renames it into place. Any write error ends with exit 1.
  void commit();

 private:
  class FdBuffer;
  NamedPath target_;
  std::string destination_;  ///< the file renamed over: the path, or what its symlink names
  std::string temp_;  ///< the temporary file while uncommitted; empty when writing directly
  std::unique_ptr<FdBuffer> buffer_;
  std::unique_ptr<std::ostream> owned_stream_;
  std::ostream* stream_ = nullptr;
  bool committed_ = false;
};

/// Flushes and closes stdout; a write error (a full disk, a closed pipe) ends with exit 1.
void close_stdout();

}  // namespace crossnews::cli
