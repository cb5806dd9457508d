#include "stream_state_dir.hpp"

#include "common.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace crossnews::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHeaderStart = "crossnews-stream-checkpoint 1 ";
// Files a state directory holds; any other file in a directory without state.bin means it is
// someone else's.
constexpr std::string_view kStateFiles[] = {"state.bin", "state.bin.tmp", "lock"};

[[noreturn]] void fail(const std::string& what, const std::string& problem) {
  throw ExitError{kFailure, what + ": " + problem};
}

std::string system_error() { return std::strerror(errno); }

std::string crc_hex(std::string_view text) {
  const auto crc = crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(text.data()),
                           text.size());
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08lx", static_cast<unsigned long>(crc));
  return hex;
}

std::string header_line(const OutputMarks& marks) {
  std::string line = std::string(kHeaderStart) + "output=" + std::to_string(marks.output) +
                     " merges=" + std::to_string(marks.merges);
  return line + " crc32=" + crc_hex(line) + "\n";
}

// The marks of a header line; nullopt unless it is one, whole and with its checksum.
std::optional<OutputMarks> parse_header(const std::string& line) {
  const auto crc_at = line.rfind(" crc32=");
  if (!line.starts_with(kHeaderStart) || crc_at == std::string::npos ||
      line.substr(crc_at + 7) != crc_hex(line.substr(0, crc_at))) {
    return std::nullopt;
  }
  OutputMarks marks;
  unsigned long long output = 0, merges = 0;
  if (std::sscanf(line.c_str() + kHeaderStart.size(), "output=%llu merges=%llu", &output,
                  &merges) != 2) {
    return std::nullopt;
  }
  marks.output = output;
  marks.merges = merges;
  return marks;
}

void write_all(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(what, "cannot write: " + system_error());
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

StateDir::StateDir(std::string dir) : dir_(std::move(dir)), state_file_(dir_ + "/state.bin") {
  std::error_code error;
  fs::create_directories(dir_, error);
  if (!fs::is_directory(dir_)) {
    fail(dir_, "cannot be used as the state directory: " +
                   (error ? error.message() : std::string("it is not a directory")));
  }
  lock_fd_ = ::open((dir_ + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock_fd_ < 0) fail(dir_ + "/lock", "cannot open: " + system_error());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    fail(dir_, "is in use by another crossnews stream run");
  }
  if (fs::exists(state_file_)) return;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (std::find(std::begin(kStateFiles), std::end(kStateFiles), name) == std::end(kStateFiles)) {
      fail(dir_, "is not a crossnews stream state directory: it holds '" + name +
                     "' and no state.bin");
    }
  }
}

StateDir::~StateDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<Checkpoint> StateDir::read(const Analyzer& analyzer, const Lexicon* lexicon,
                                         const ClusterOptions& options) const {
  std::ifstream in(state_file_, std::ios::binary);
  if (!in) {
    if (!fs::exists(state_file_)) return std::nullopt;
    fail(state_file_, "cannot read: " + system_error());
  }
  std::string line;
  std::getline(in, line);
  const auto marks = parse_header(line);
  if (!marks) fail(state_file_, "not a crossnews stream checkpoint, or its header is corrupt");
  try {
    Checkpoint checkpoint{StreamClusterer::load(in, analyzer, lexicon, options), *marks};
    if (in.peek() != std::char_traits<char>::eof()) {
      fail(state_file_, "has bytes after the stream state: the file is corrupt");
    }
    return checkpoint;
  } catch (const ConfigError& e) {
    fail(state_file_, std::string(e.what()) + " (run with the options the state was made with)");
  } catch (const Error& e) {
    fail(state_file_, e.what());
  }
}

void StateDir::write(const StreamClusterer& clusterer, const OutputMarks& marks) const {
  std::ostringstream state;
  clusterer.save(state);
  const std::string temp = state_file_ + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(temp, "cannot create: " + system_error());
  write_all(fd, header_line(marks), temp);
  write_all(fd, state.view(), temp);
  if (::fsync(fd) != 0) fail(temp, "cannot sync: " + system_error());
  ::close(fd);
  if (std::rename(temp.c_str(), state_file_.c_str()) != 0) {
    fail(state_file_, "cannot replace: " + system_error());
  }
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0 || ::fsync(dir_fd) != 0) fail(dir_, "cannot sync: " + system_error());
  ::close(dir_fd);
}

LineOutput::LineOutput(std::string option, std::string path, std::uint64_t mark, bool fresh)
    : option_(std::move(option)), path_(std::move(path)), bytes_(mark) {
  if (path_ == "-") {
    fd_ = STDOUT_FILENO;
    return;
  }
  const std::string what = option_ + " " + path_;
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) fail(what, "cannot open: " + system_error());
  owned_ = true;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(what, "cannot stat: " + system_error());
  regular_ = S_ISREG(st.st_mode);
  if (!regular_) return;
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (fresh && size > 0) {
    fail(what, "already holds " + std::to_string(size) +
                   " bytes that the new state directory did not write; remove it or name "
                   "another file");
  }
  if (size < mark) {
    fail(what, "holds " + std::to_string(size) + " bytes, fewer than the " +
                   std::to_string(mark) +
                   " the state recorded: give the file the run that made the state wrote");
  }
  if (::ftruncate(fd_, static_cast<off_t>(mark)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0) {
    fail(what, "cannot cut back to the checkpoint: " + system_error());
  }
}

LineOutput::~LineOutput() {
  if (owned_) ::close(fd_);
}

void LineOutput::write(std::string_view line) {
  write_all(fd_, line, option_ + " " + path_);
  bytes_ += line.size();
}

void LineOutput::sync() {
  if (regular_ && ::fsync(fd_) != 0) fail(option_ + " " + path_, "cannot sync: " + system_error());
}

}  // namespace crossnews::cli
