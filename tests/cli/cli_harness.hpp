#pragma once
// Running the built `crossnews` binary from CLI tests (CROSSNEWS_CLI names it): each run goes
// through the shell with stdin, stdout and stderr in files of a per-process temporary directory.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace cli_harness {

namespace fs = std::filesystem;

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("crossnews_cli_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

inline std::string quote(const fs::path& path) { return "'" + path.string() + "'"; }

/// Runs `crossnews ARGS` from `cwd`; stdout goes to `stdout_path` when given (e.g. /dev/full),
/// else it is captured.
inline Run run(const std::string& args, const std::string& stdin_text = "",
               const std::string& stdout_path = "", const fs::path& cwd = {}) {
  const fs::path out = temp_dir() / "stdout", err = temp_dir() / "stderr",
                 in = temp_dir() / "stdin";
  std::ofstream(in, std::ios::binary) << stdin_text;
  fs::remove(out);
  const std::string command = (cwd.empty() ? "" : "cd " + quote(cwd) + " && ") + "'" +
                              CROSSNEWS_CLI + "' " + args + " < " + quote(in) + " > " +
                              quote(stdout_path.empty() ? out.string() : stdout_path) + " 2> " +
                              quote(err);
  const int status = std::system(command.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

inline fs::path write_file(const std::string& name, std::string_view content) {
  const fs::path p = temp_dir() / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(content.data(), std::streamsize(content.size()));
  return p;
}

/// Lines as the reader counts them: one per '\n', plus a final line without one.
inline std::size_t count_lines(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n' ? 1 : 0);
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

/// The example corpus shipped with the sources.
inline fs::path example_corpus() {
  return fs::path(CROSSNEWS_SOURCE_DIR) / "examples" / "data" / "articles.jsonl";
}

}  // namespace cli_harness
