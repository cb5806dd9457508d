#include "model_cache.hpp"

#include "common.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

namespace crossnews::cli {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "crossnews model cache 1";
// Keys and warnings longer than this are no cache file's: the header is damaged.
constexpr std::uint64_t kMaxHeaderText = 1 << 24;
// Models kept in the cache directory (one per key; some 16 MB each with Debian's dictionaries).
constexpr std::size_t kKeptModels = 4;

// "path size mtime" of a file, or "path absent": a changed file changes the key.
std::string file_line(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return path + " absent";
  return path + ' ' + std::to_string(st.st_size) + ' ' + std::to_string(st.st_mtim.tv_sec) + '.' +
         std::to_string(st.st_mtim.tv_nsec);
}

// The files whose code built the model: the program, and the shared library when it runs one
// (a rebuilt crossnews may group terms otherwise under the same version number).
std::vector<std::string> code_files() {
  std::error_code ec;
  const fs::path program = fs::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> files{ec ? std::string("/proc/self/exe") : program.string()};
  // Linked statically, dladdr names the program as it was invoked (argv[0], maybe relative).
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&find_freedicts), &info) != 0 && info.dli_fname &&
      fs::is_regular_file(info.dli_fname, ec) &&
      !fs::equivalent(info.dli_fname, "/proc/self/exe", ec)) {
    files.push_back(fs::canonical(info.dli_fname, ec).string());
  }
  return files;
}

std::uint32_t checksum(std::string_view a, std::string_view b) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const std::string_view text : {a, b}) {
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(text.data()), text.size());
  }
  return static_cast<std::uint32_t>(crc);
}

// FNV-1a: the file name of a key (the key itself, inside, decides whether the file is used).
std::string file_name(std::string_view key) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char name[40];
  std::snprintf(name, sizeof name, "model-%016llx.bin", static_cast<unsigned long long>(hash));
  return name;
}

// Models of other keys (an updated dictionary, a rebuilt crossnews) would pile up: the few used
// last are kept (a hit marks its file as used, so the model of the usual options stays).
void prune_cache(const std::string& dir) {
  std::vector<std::pair<fs::file_time_type, fs::path>> models;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with("model-") || !name.ends_with(".bin")) continue;
    const auto time = it->last_write_time(ec);
    if (!ec) models.emplace_back(time, it->path());
  }
  if (models.size() <= kKeptModels) return;
  std::sort(models.begin(), models.end(), std::greater<>());
  for (std::size_t i = kKeptModels; i < models.size(); ++i) fs::remove(models[i].second, ec);
}

// Header: magic, key length, warnings length and their CRC-32 on one line; then the key, the
// warnings and the model. A cache that cannot be written costs the next run a build, no more.
void store(const std::string& dir, const std::string& path, const std::string& key,
           const BuiltModel& built, bool quiet) {
  try {
    std::error_code ec;
    fs::create_directories(dir, ec);
    AtomicOutput out({"", path});
    out.stream() << kMagic << ' ' << key.size() << ' ' << built.warnings.size() << ' '
                 << checksum(key, built.warnings) << '\n'
                 << key << built.warnings;
    built.model.save(out.stream());
    out.commit();
  } catch (const ExitError& e) {
    if (!quiet) std::cerr << "crossnews: warning: model not cached: " << e.message << '\n';
    return;
  } catch (const Error& e) {
    if (!quiet) std::cerr << "crossnews: warning: model not cached: " << e.what() << '\n';
    return;
  }
  prune_cache(dir);
}

// The cached model of `key` with its warnings, or nothing when the file is absent, another
// key's or damaged (`why` then says how, empty when absent or another key's).
std::optional<BuiltModel> read_cache(const std::string& path, const std::string& key,
                                     const Analyzer& analyzer, std::string& why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string header;
  std::uint64_t key_size = 0, warnings_size = 0;
  std::uint32_t crc = 0;
  std::getline(in, header);
  std::istringstream fields(header.starts_with(kMagic) ? header.substr(kMagic.size()) : "");
  if (!(fields >> key_size >> warnings_size >> crc) || key_size > kMaxHeaderText ||
      warnings_size > kMaxHeaderText) {
    why = "not a crossnews model cache";
    return std::nullopt;
  }
  std::string stored_key(key_size, '\0'), warnings(warnings_size, '\0');
  in.read(stored_key.data(), static_cast<std::streamsize>(key_size));
  in.read(warnings.data(), static_cast<std::streamsize>(warnings_size));
  if (!in || checksum(stored_key, warnings) != crc) {
    why = "its header is damaged";
    return std::nullopt;
  }
  if (stored_key != key) return std::nullopt;  // another build's or another file's: replaced
  try {
    return BuiltModel{Model::load(in, analyzer, path), std::move(warnings)};
  } catch (const Error& e) {
    why = e.what();
    return std::nullopt;
  }
}

}  // namespace

std::string model_cache_dir() {
  for (const auto& [variable, under] : {std::pair{"XDG_CACHE_HOME", ""}, {"HOME", "/.cache"}}) {
    const char* value = std::getenv(variable);
    if (value && value[0] == '/') return std::string(value) + under + "/crossnews";
  }
  return {};
}

std::string model_cache_key(const std::vector<std::string>& switches,
                            const std::vector<std::string>& files) {
  std::string key = std::string("crossnews ") + version_string + '\n';
  for (const auto& file : code_files()) key += "code " + file_line(file) + '\n';
  for (const auto& s : switches) key += "switch " + s + '\n';
  for (const auto& file : files) key += "source " + file_line(file) + '\n';
  return key;
}

Model cached_model(const std::string& dir, const std::string& key, const Analyzer& analyzer,
                   const std::function<BuiltModel()>& build, bool quiet) {
  const std::string path = dir + '/' + file_name(key);
  std::error_code ec;
  // Only a regular file is read or replaced: a FIFO or device there would hang or be written.
  const bool usable = !fs::exists(path, ec) || fs::is_regular_file(path, ec);
  std::string why = usable ? "" : "not a regular file";
  std::optional<BuiltModel> built;
  if (usable) built = read_cache(path, key, analyzer, why);
  // Marked as used for prune_cache(); a cache that cannot be touched is still read.
  if (built) fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
  if (!built) {
    if (!why.empty() && !quiet) {
      std::cerr << "crossnews: warning: the cached model " << path << " is unusable (" << why
                << "); rebuilding it\n";
    }
    built.emplace(build());
    if (usable) store(dir, path, key, *built, quiet);
  }
  if (!quiet) std::cerr << built->warnings;
  return std::move(built->model);
}

}  // namespace crossnews::cli
