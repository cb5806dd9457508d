#pragma once
// The state directory of `crossnews stream` and the outputs it appends to.
//
// DIR holds `state.bin` (the last checkpoint), `state.bin.tmp` while one is written and `lock`
// (flock: one run per directory). A checkpoint is a header line
//   crossnews-stream-checkpoint 1 output=<bytes> merges=<bytes> crc32=<hex of the line before it>
// then StreamClusterer::save()'s snapshot (checksummed itself). It is written to state.bin.tmp,
// fsynced, renamed over state.bin, and the directory fsynced: after a crash at any moment
// state.bin is the previous checkpoint or the new one, whole. The byte counts say how much of -o
// and --merges the checkpoint's articles wrote; a resumed run cuts the files back to them.

#include <crossnews/crossnews.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crossnews::cli {

/// How far the outputs were written when a checkpoint was taken.
struct OutputMarks {
  std::uint64_t output = 0;
  std::uint64_t merges = 0;
};

struct Checkpoint {
  StreamClusterer clusterer;
  OutputMarks marks;
};

class StateDir {
 public:
  /// Creates DIR if missing and locks it; exit 1 naming DIR if it cannot, if another run holds
  /// it, or if it holds files other than a state's and no state.bin.
  explicit StateDir(std::string dir);
  ~StateDir();
  StateDir(const StateDir&) = delete;
  StateDir& operator=(const StateDir&) = delete;

  /// The last checkpoint, or nullopt for a new directory. A corrupt or foreign state.bin, or
  /// one made with other options or another keyword map, ends with exit 1 naming the file.
  std::optional<Checkpoint> read(const Analyzer& analyzer, const Lexicon* lexicon,
                                 const ClusterOptions& options) const;
  /// Writes a checkpoint atomically (see above); exit 1 naming the file if that fails.
  void write(const StreamClusterer& clusterer, const OutputMarks& marks) const;

  [[nodiscard]] const std::string& state_file() const { return state_file_; }

 private:
  std::string dir_;
  std::string state_file_;
  int lock_fd_ = -1;
};

/// An output that every line goes to at once (-o, --merges): a file cut back to where a
/// checkpoint left it, or stdout. Regular files can be synced before a checkpoint records them.
class LineOutput {
 public:
  /// `option` and `path` name the output in messages; `mark` is the length the file must have at
  /// least, and is cut to. A file longer than `mark` while `fresh` (a new state) is refused:
  /// its contents are not this state's.
  LineOutput(std::string option, std::string path, std::uint64_t mark, bool fresh);
  ~LineOutput();
  LineOutput(const LineOutput&) = delete;
  LineOutput& operator=(const LineOutput&) = delete;

  void write(std::string_view line);
  /// Flushed to the disk (regular files).
  void sync();
  [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

 private:
  std::string option_, path_;
  int fd_ = -1;
  bool owned_ = false, regular_ = false;
  std::uint64_t bytes_ = 0;
};

}  // namespace crossnews::cli
