#include "atomic_output.hpp"

#include <crossnews/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace crossnews::mpi {
namespace {

// fsync of a path (a file, or a directory so that a rename in it lasts).
bool sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

AtomicOutput::AtomicOutput(std::string path) : path_(std::move(path)) {
  const std::filesystem::path target(path_);
  temp_ = (target.parent_path() / ("." + target.filename().string() + ".crossnews-mpi." +
                                   std::to_string(::getpid()) + ".tmp"))
              .string();
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw IoError("cannot write '" + path_ + "' (its directory is not writable)");
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) std::remove(temp_.c_str());
}

void AtomicOutput::commit() {
  out_.close();
  if (!out_ || !sync_path(temp_, O_RDONLY)) {
    std::remove(temp_.c_str());
    throw IoError("writing '" + path_ + "' failed");
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    std::remove(temp_.c_str());
    throw IoError("cannot rename the finished output to '" + path_ + "'");
  }
  committed_ = true;
  const auto dir = std::filesystem::path(path_).parent_path();
  sync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace crossnews::mpi
