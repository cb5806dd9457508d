#include "output.hpp"

#include "common.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <streambuf>

namespace crossnews::cli {
namespace {

namespace fs = std::filesystem;

// What makes two paths one file: device and inode when it exists, else the normalised path.
struct FileIdentity {
  std::optional<std::pair<dev_t, ino_t>> inode;
  std::string normal;
  bool directory = false;

  explicit FileIdentity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      inode.emplace(st.st_dev, st.st_ino);
      directory = S_ISDIR(st.st_mode);
    }
    std::error_code ec;
    normal = fs::weakly_canonical(fs::absolute(path, ec), ec).lexically_normal().string();
  }
  bool operator==(const FileIdentity& other) const {
    if (inode && other.inode) return *inode == *other.inode;
    return normal == other.normal;
  }
};

std::string describe(const NamedPath& p) {
  return p.path == "-" ? p.option + " ('-')" : p.option + " '" + p.path + "'";
}

// Temporary files of this run, removed if a signal ends it (no destructor runs then).
std::array<std::atomic<const char*>, 8> g_temporaries{};

extern "C" void remove_temporaries_and_die(int signal) {
  for (auto& temp : g_temporaries) {
    if (const char* path = temp.load()) ::unlink(path);
  }
  std::raise(signal);  // SA_RESETHAND restored the default action
}

void remove_temporaries_on_signals() {
  static const bool installed = [] {
    for (const int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
      struct sigaction current {};
      if (::sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction action {};
      action.sa_handler = remove_temporaries_and_die;
      action.sa_flags = SA_RESETHAND;
      ::sigaction(signal, &action, nullptr);
    }
    return true;
  }();
  (void)installed;
}

void track_temporary(const char* path, bool tracked) {
  for (auto& temp : g_temporaries) {
    const char* expected = tracked ? nullptr : path;
    if (temp.compare_exchange_strong(expected, tracked ? path : nullptr)) return;
  }
}

[[noreturn]] void fail_write(const NamedPath& target, int error) {
  const std::string where = target.path == "-" ? "to stdout" : "'" + target.path + "'";
  throw ExitError{kFailure, (target.option.empty() ? "" : target.option + ": ") + "cannot write " +
                                where +
                                (error != 0 ? std::string(": ") + std::strerror(error) : "")};
}

}  // namespace

void check_outputs(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs) {
  std::vector<FileIdentity> input_ids;
  const NamedPath* stdin_reader = nullptr;
  for (const auto& input : inputs) {
    if (input.path == "-" && stdin_reader) {
      throw ExitError{
          kUsage, describe(*stdin_reader) + " and " + describe(input) + " cannot both read stdin"};
    }
    if (input.path == "-") stdin_reader = &input;
    input_ids.emplace_back(input.path == "-" ? "" : input.path);
  }
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const NamedPath& out = outputs[o];
    for (std::size_t other = 0; other < o; ++other) {
      const bool same = out.path == "-" || outputs[other].path == "-"
                            ? out.path == outputs[other].path
                            : FileIdentity(out.path) == FileIdentity(outputs[other].path);
      if (same) {
        throw ExitError{kUsage, describe(outputs[other]) + " and " + describe(out) +
                                    " are the same output; give each its own file"};
      }
    }
    if (out.path == "-") continue;
    const FileIdentity id(out.path);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (inputs[i].path == "-" || input_ids[i].directory || !(input_ids[i] == id)) continue;
      throw ExitError{kUsage, describe(out) + " is the same file as the input " +
                                  describe(inputs[i]) + "; writing it would destroy the input"};
    }
  }
}

// A stream buffer over a file descriptor that remembers the first write error.
class AtomicOutput::FdBuffer : public std::streambuf {
 public:
  explicit FdBuffer(int fd) : fd_(fd) { reset(); }
  ~FdBuffer() override { close(); }
  FdBuffer(const FdBuffer&) = delete;
  FdBuffer& operator=(const FdBuffer&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] int error() const { return error_; }
  int close() {
    const int result = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return result;
  }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }

 private:
  void reset() { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  bool drain() {
    for (const char* p = pbase(); p < pptr() && error_ == 0;) {
      const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
      if (n >= 0) {
        p += n;
      } else if (errno != EINTR) {
        error_ = errno;
      }
    }
    reset();
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
  std::array<char, 1 << 16> buffer_{};
};

AtomicOutput::AtomicOutput(NamedPath target) : target_(std::move(target)) {
  if (target_.path == "-") {
    stream_ = &std::cout;
    return;
  }
  const std::string& path = target_.path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) fail_write(target_, EISDIR);
  if (exists && ::access(path.c_str(), W_OK) != 0) fail_write(target_, errno);
  int fd = -1;
  if (exists && !S_ISREG(st.st_mode)) {  // a device or FIFO: nothing to replace
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail_write(target_, errno);
  } else {
    // Through a symlink the file it names is replaced, not the link.
    std::error_code ec;
    destination_ = exists ? fs::canonical(path, ec).string() : path;
    if (ec) destination_ = path;
    const fs::path file(destination_);
    temp_ = (file.parent_path() / ("." + file.filename().string() + ".tmp-XXXXXX")).string();
    fd = ::mkostemp(temp_.data(), O_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      temp_.clear();
      fail_write(target_, error);
    }
    remove_temporaries_on_signals();
    track_temporary(temp_.c_str(), true);
    mode_t mode = st.st_mode & 07777;
    if (!exists) {
      const mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    ::fchmod(fd, mode);
  }
  buffer_ = std::make_unique<FdBuffer>(fd);
  owned_stream_ = std::make_unique<std::ostream>(buffer_.get());
  stream_ = owned_stream_.get();
}

AtomicOutput::~AtomicOutput() {
  if (temp_.empty()) return;
  buffer_->close();
  ::unlink(temp_.c_str());
  track_temporary(temp_.c_str(), false);
}

void AtomicOutput::commit() {
  if (committed_) return;
  if (!buffer_) {
    errno = 0;
    if (!std::cout.flush()) fail_write(target_, errno);
    committed_ = true;
    return;
  }
  stream_->flush();
  if (buffer_->error() != 0 || !*stream_) fail_write(target_, buffer_->error());
  if (!temp_.empty() && ::fsync(buffer_->fd()) != 0) fail_write(target_, errno);
  if (buffer_->close() != 0) fail_write(target_, errno);
  if (!temp_.empty()) {
    if (::rename(temp_.c_str(), destination_.c_str()) != 0) fail_write(target_, errno);
    track_temporary(temp_.c_str(), false);
    temp_.clear();
    // The rename itself survives a crash only once the directory is synced.
    const fs::path dir = fs::path(destination_).parent_path();
    const int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
      ::fsync(dir_fd);
      ::close(dir_fd);
    }
  }
  committed_ = true;
}

void close_stdout() {
  errno = 0;
  const bool flushed = static_cast<bool>(std::cout.flush());
  if (!flushed || std::fflush(stdout) != 0 || std::fclose(stdout) != 0) {
    fail_write({"", "-"}, errno);
  }
}

}  // namespace crossnews::cli
