// The FreeDict dictionaries installed on the machine, loaded by default (--no-freedict,
// --freedict-dir), and the model cache that spares each run their build.

#include "cli_harness.hpp"
#include "lexicon/dictd_support.hpp"
#include "skip.hpp"

#include <sys/stat.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace cli_harness;
using crossnews::test::dictd_base64;

namespace {

/// Sets an environment variable (unsets it for nullopt) for the CLI runs of one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    set(value);
  }
  ~ScopedEnv() { set(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name_, value->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  const char* name_;
  std::optional<std::string> old_;
};

/// No cache for the runs of one scope: neither XDG_CACHE_HOME nor HOME is set.
struct NoCache {
  ScopedEnv xdg{"XDG_CACHE_HOME", std::nullopt};
  ScopedEnv home{"HOME", std::nullopt};
};

/// Writes a dictd dictionary with a plain body; each entry is "headword\ntranslations\n".
void write_dictionary(const fs::path& dir, const std::string& name,
                      const std::vector<std::string>& entries) {
  std::string index, body;
  for (const auto& entry : entries) {
    index += entry.substr(0, entry.find('\n')) + '\t' + dictd_base64(body.size()) + '\t' +
             dictd_base64(entry.size()) + '\n';
    body += entry;
  }
  fs::create_directories(dir);
  // write_file's name is taken under temp_dir(), unless it is absolute.
  write_file((dir / (name + ".index")).string(), index);
  write_file((dir / (name + ".dict")).string(), body);
}

/// A dictionary directory as Debian installs it, with German-Italian in both directions.
fs::path installed_dictionaries(const std::string& name) {
  const fs::path dir = temp_dir() / name;
  write_dictionary(dir, "freedict-deu-ita", {"Brille\nocchiali\n"});
  write_dictionary(dir, "freedict-ita-deu", {"occhiali\nBrille\n"});
  return dir;
}

/// A German and an Italian report whose words the built-in lexicon does not link.
fs::path lost_property() {
  return write_file(
      "lost_property.jsonl",
      R"({"id":"de-1","lang":"de","time":"2013-06-03","title":"Brille in Passau",)"
      R"("text":"Eine Brille und ein Regenschirm liegen in Passau."})"
      "\n"
      R"({"id":"it-1","lang":"it","time":"2013-06-03","title":"Occhiali a Venezia",)"
      R"("text":"Gli occhiali e un ombrello sono a Venezia."})"
      "\n");
}

std::string explain_reports(const std::string& options) {
  const Run r = run("explain --format json " + options + " --input " + quote(lost_property()) +
                    " de-1 it-1");
  REQUIRE(r.code == 0);
  return r.out;
}

std::vector<fs::path> cache_files(const fs::path& cache) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cache / "crossnews", ec)) {
    if (entry.path().extension() == ".bin") files.push_back(entry.path());
  }
  return files;
}

ino_t inode(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_ino;
}

}  // namespace

TEST_CASE("installed dictionaries link by default; --no-freedict leaves them out") {
  NoCache no_cache;
  const std::string dir = "--freedict-dir " + quote(installed_dictionaries("dictd"));
  const fs::path empty = temp_dir() / "no_dictionaries";
  fs::create_directories(empty);

  const std::string with = explain_reports(dir);
  CHECK(contains(with, "\"freedict\""));
  CHECK(contains(with, "Brille"));
  const std::string without = explain_reports(dir + " --no-freedict");
  CHECK_FALSE(contains(without, "\"freedict\""));
  // --no-freedict is a machine without dictionaries, as before they loaded by default.
  CHECK(without == explain_reports("--freedict-dir " + quote(empty)));
  CHECK(without == explain_reports("--freedict-dir " + quote(temp_dir() / "absent")));
  // A dictionary named with --freedict loads all the same.
  CHECK(explain_reports(dir + " --no-freedict --freedict " +
                       quote(installed_dictionaries("dictd") / "freedict-deu-ita.index")) !=
        without);
}

TEST_CASE("the dictionaries in /usr/share/dictd load by default, when there are any") {
  std::vector<std::string> installed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/share/dictd", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("freedict-") && name.ends_with(".index")) {
      installed.push_back(entry.path().string());
    }
  }
  std::sort(installed.begin(), installed.end());  // the order they load in decides ties
  if (crossnews::test::skip_if(installed.empty(), "no FreeDict dictionary in /usr/share/dictd")) {
    return;
  }
  const Run by_default = run("lexicon stats");
  REQUIRE(by_default.code == 0);
  std::string named = "lexicon stats --no-freedict";
  for (const auto& index : installed) named += " --freedict " + quote(index);
  NoCache no_cache;  // built from the files, not read from the cache the first run wrote
  const Run by_name = run(named);
  CHECK(by_name.out == by_default.out);
  CHECK(run("lexicon stats --no-freedict").out != by_default.out);
}

TEST_CASE("the model cache: written on a miss, read on a hit, rebuilt when damaged or stale") {
  const fs::path dictionaries = installed_dictionaries("cached_dictd");
  const std::string options = "--freedict-dir " + quote(dictionaries);
  std::string reference;
  {
    NoCache no_cache;
    reference = explain_reports(options);
  }
  const fs::path cache = temp_dir() / "cache";
  fs::remove_all(cache);
  ScopedEnv xdg("XDG_CACHE_HOME", cache.string());

  // A miss writes the model; a hit reads that file, leaving its bytes as they were and marking
  // it as used.
  CHECK(explain_reports(options) == reference);
  REQUIRE(cache_files(cache).size() == 1);
  const fs::path file = cache_files(cache).front();
  const std::string bytes = slurp(file);
  const ino_t written = inode(file);
  const auto long_ago = fs::file_time_type::clock::now() - std::chrono::hours(48);
  fs::last_write_time(file, long_ago);
  CHECK(explain_reports(options) == reference);
  CHECK(inode(file) == written);
  CHECK(slurp(file) == bytes);
  CHECK(fs::last_write_time(file) > long_ago);

  // Damaged files are rebuilt, with a warning, and replaced.
  std::string flipped = bytes;
  flipped[flipped.size() - 100] ^= 0x01;
  for (const std::string& damaged : {std::string("not a model\n"),
                                     bytes.substr(0, bytes.size() / 2), flipped}) {
    write_file(file.string(), damaged);
    const Run r = run("explain --format json " + options + " --input " + quote(lost_property()) +
                      " de-1 it-1");
    CHECK(r.code == 0);
    CHECK(r.out == reference);
    CHECK(contains(r.err, "unusable"));
    CHECK(slurp(file) == bytes);
  }

  // A changed dictionary is another key: its model is built and cached beside the first.
  write_dictionary(dictionaries, "freedict-deu-ita", {"Regenschirm\nombrello\n"});
  const std::string changed = explain_reports(options);
  CHECK(changed != reference);
  CHECK(contains(changed, "ombrello"));
  CHECK(cache_files(cache).size() == 2);

  // Older models of other keys do not pile up: the four used last stay. The changed
  // dictionary's model, written before the five below but used after them, is one of them.
  const std::vector<fs::path> two = cache_files(cache);
  const fs::path second = two.front() == file ? two.back() : two.front();
  fs::last_write_time(second, long_ago);
  for (int i = 0; i < 5; ++i) {
    const fs::path old = cache / "crossnews" / ("model-old" + std::to_string(i) + ".bin");
    write_file(old.string(), "another key's model");
    fs::last_write_time(old, fs::file_time_type::clock::now() - std::chrono::hours(24 + i));
  }
  CHECK(explain_reports(options) == changed);
  write_dictionary(dictionaries, "freedict-deu-ita",
                   {"Brille\nocchiali\n", "Regenschirm\nombrello\n"});
  const std::string both = explain_reports(options);
  CHECK(contains(both, "occhiali"));
  CHECK(contains(both, "ombrello"));
  const std::vector<fs::path> kept = cache_files(cache);
  CHECK(kept.size() == 4);
  CHECK(std::find(kept.begin(), kept.end(), second) != kept.end());
  for (const auto& path : kept) CHECK(path.filename() != "model-old4.bin");
}

TEST_CASE("a cache that cannot be written is skipped with a warning") {
  const std::string options = "--freedict-dir " + quote(installed_dictionaries("dictd"));
  std::string reference;
  {
    NoCache no_cache;
    reference = explain_reports(options);
  }
  ScopedEnv xdg("XDG_CACHE_HOME", write_file("not_a_directory", "").string());
  const Run r = run("explain --format json " + options + " --input " + quote(lost_property()) +
                    " de-1 it-1");
  CHECK(r.code == 0);
  CHECK(r.out == reference);
  CHECK(contains(r.err, "not cached"));
  const Run quiet = run("cluster -q " + options + " " + quote(lost_property()));
  CHECK(quiet.code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("--model holds its dictionaries: --no-freedict and --freedict-dir beside it exit 2") {
  const fs::path model = temp_dir() / "plain.model";
  REQUIRE(run("model build -q --no-freedict -o " + quote(model)).code == 0);
  for (const std::string option : {"--no-freedict", "--freedict-dir /tmp"}) {
    const Run r = run("cluster -q --model " + quote(model) + " " + option + " " +
                      quote(example_corpus()));
    CHECK(r.code == 2);
    CHECK(contains(r.err, "--model"));
  }
}

TEST_CASE("with the installed dictionaries the seeds form one story, the distractors apart") {
  if (crossnews::test::skip_without_shared("seeds")) return;
  const fs::path negatives = fs::path(CROSSNEWS_TEST_DATA_DIR) / "negatives.jsonl";
  const Run r = run("cluster -q " + quote(crossnews::test::shared_dir() / "seeds") + " " +
                    quote(negatives));
  REQUIRE(r.code == 0);
  std::map<std::string, std::string> seed_story;
  std::vector<std::string> negative_stories;
  std::istringstream lines(r.out);
  std::string id, story;
  while (std::getline(lines, id, '\t') && std::getline(lines, story)) {
    if (id.starts_with("neg-")) {
      negative_stories.push_back(story);
    } else {
      seed_story[id] = story;
    }
  }
  REQUIRE(seed_story.size() == 2);
  CHECK(seed_story.begin()->second == seed_story.rbegin()->second);
  CHECK(negative_stories.size() >= 20);
  for (const auto& s : negative_stories) CHECK(s != seed_story.begin()->second);
}

TEST_CASE("a --freedict-dir that cannot be listed exits 2 naming it, and writes nothing") {
  const fs::path not_a_directory = write_file("dictd_is_a_file", "not a directory\n");
  const fs::path out = temp_dir() / "unlistable_dictd.tsv";
  fs::remove(out);
  const Run r = run("cluster -o " + quote(out) + " --freedict-dir " + quote(not_a_directory) +
                    " " + quote(example_corpus()));
  CHECK(r.code == 2);
  CHECK(contains(r.err, "--freedict-dir"));
  CHECK(contains(r.err, not_a_directory.string()));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(out));
}
