#include <crossnews/error.hpp>
#include <crossnews/freedict.hpp>
#include <crossnews/lexicon.hpp>

#include <doctest/doctest.h>
#include <zlib.h>

#include "lexicon/dictd_support.hpp"
#include "support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace crossnews;
using crossnews::test::dictd_base64;
using crossnews::test::TempDir;
using crossnews::test::write_gzip;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// Entries in body order as (index headword, body text).
using Entries = std::vector<std::pair<std::string, std::string>>;

/// Writes `<dir>/<name>.index` and the body (gzip, or plain when `compress` is false). The index
/// lists the entries in reverse order, as a reader must not rely on index order, and lists the
/// first real entry twice (dictd indexes spelling variants that way).
fs::path write_dictionary(const fs::path& dir, const std::string& name, const Entries& entries,
                          bool compress = true) {
  std::string body;
  std::vector<std::string> lines;
  for (const auto& [headword, text] : entries) {
    lines.push_back(headword + "\t" + dictd_base64(body.size()) + "\t" + dictd_base64(text.size()) +
                    "\n");
    body += text;
  }
  if (lines.size() > 1) lines.push_back(lines[1]);
  std::reverse(lines.begin(), lines.end());
  std::string index;
  for (const auto& line : lines) index += line;
  const fs::path index_path = dir / (name + ".index");
  write_text(index_path, index);
  if (compress) {
    write_gzip(dir / (name + ".dict.dz"), body);
  } else {
    write_text(dir / (name + ".dict"), body);
  }
  return index_path;
}

// Our own small German-Italian entries in the three layouts FreeDict uses.
const Entries kEntries = {
    {"00databaseinfo", "A test dictionary written for the crossnews tests.\n"},
    // Ergane: one translation line.
    {"verbot", "Verbot /fɛɐ̯ˈboːt/\ndivieto, proibizione\n"},
    // Ergane with sense numbers and a ';' separator.
    {"werbung", "Werbung /ˈvɛʁbʊŋ/ <n, fem>\n1. pubblicità\n2. reclutamento; arruolamento\n"},
    // Ding: grammar after each translation, labels, notes, an example, synonyms, see-also.
    {"zeitung",
     "Zeitung /tsˈaɪtʊŋ/ <fem, n, sg>\ngiornale <n>, foglio <n> [coll.], quotidiano <n>\n"
     "         Note: gedruckt\n      \"eine Zeitung lesen\"  - leggere un giornale\n"
     "   Synonym: {Blatt}\n\n see: {Zeitungen}\n\n"},
    // WikDict: a gloss in the source language after each sense, sense numbers at line ends.
    {"gesetz",
     "Gesetz /ɡəˈzɛt͡s/ <n, neut>\n1. legge\nvom Parlament beschlossene Regel\n2. norma 3.\n"
     "Regel, die in der Natur gilt\n 4.\nnoch eine Erklärung, mit Komma\n"},
    // A sentence among the translations is longer than max_words.
    {"haus", "Haus /haʊs/\ncasa, una casa molto grande e bella\n"},
    // Object placeholders are not words of the entry.
    {"verbieten", "etw. verbieten /fɛɐ̯ˈbiːtn̩/ <v>\nvietare qc\n"},
    // No translation at all: skipped.
    {"leer", "Leer /leːɐ̯/\n   Synonym: {leer}\n"},
    // A slash between alternatives is no pronunciation; a pronunciation left over is dropped.
    {"anfrage", "Anfrage / Bitte /ˈanfʁaːɡə ˈbɪtə/\nrequest, ˈbɪtə\n"},
};

std::vector<std::string> translations_of(const FreeDict& dict, std::string_view headword) {
  for (const auto& entry : dict.entries) {
    if (entry.headword == headword) return entry.translations;
  }
  return {};
}

}  // namespace

TEST_CASE("read_freedict parses the Ergane, Ding and WikDict layouts") {
  TempDir dir("layouts");
  const FreeDict dict =
      read_freedict(write_dictionary(dir.path, "freedict-deu-ita", kEntries).string());
  CHECK(dict.lang_from == "de");
  CHECK(dict.lang_to == "it");
  REQUIRE(dict.entries.size() == 7);
  // Body order, each entry once although the index lists "verbot" twice.
  CHECK(dict.entries.front().headword == "Verbot");
  CHECK(dict.entries.back().headword == "Anfrage / Bitte");
  CHECK(dict.entries.back().translations == std::vector<std::string>{"request"});

  CHECK(translations_of(dict, "Verbot") == std::vector<std::string>{"divieto", "proibizione"});
  CHECK(translations_of(dict, "Werbung") ==
        std::vector<std::string>{"pubblicità", "reclutamento", "arruolamento"});
  CHECK(translations_of(dict, "Gesetz") == std::vector<std::string>{"legge", "norma"});
  CHECK(translations_of(dict, "Haus") == std::vector<std::string>{"casa"});
  CHECK(translations_of(dict, "verbieten") == std::vector<std::string>{"vietare qc"});

  // The colloquial translation moves behind the unmarked ones.
  const auto zeitung = std::find_if(dict.entries.begin(), dict.entries.end(),
                                    [](const DictEntry& e) { return e.headword == "Zeitung"; });
  REQUIRE(zeitung != dict.entries.end());
  CHECK(zeitung->translations == std::vector<std::string>{"giornale", "quotidiano", "foglio"});
  CHECK(zeitung->primary == 2);
}

TEST_CASE("read_freedict honours max_words and reads a plain .dict body") {
  TempDir dir("plain");
  const auto index = write_dictionary(dir.path, "freedict-deu-ita", kEntries, false);
  FreeDictOptions options;
  options.max_words = 1;
  const FreeDict dict = read_freedict(index.string(), options);
  CHECK(translations_of(dict, "Haus") == std::vector<std::string>{"casa"});
  // "vietare qc" has two words: the entry is left without translations and dropped.
  CHECK(translations_of(dict, "verbieten").empty());
  CHECK(dict.entries.size() == 5);
}

TEST_CASE("read_freedict takes languages from the file name or the options") {
  TempDir dir("languages");
  const auto english = write_dictionary(dir.path, "freedict-eng-fra", kEntries);
  const FreeDict dict = read_freedict(english.string());
  CHECK(dict.lang_from == "en");
  CHECK(dict.lang_to == "fr");

  const auto unnamed = write_dictionary(dir.path, "my-dictionary", kEntries);
  CHECK_THROWS_AS((void)read_freedict(unnamed.string()), InputError);
  FreeDictOptions options;
  options.lang_from = "de";
  options.lang_to = "it";
  CHECK(read_freedict(unnamed.string(), options).entries.size() == 7);

  CHECK(iso639_1_from_3("deu") == "de");
  CHECK(iso639_1_from_3("spa") == "es");
  CHECK(iso639_1_from_3("xyz").empty());
}

TEST_CASE("find_freedicts lists the usable dictionaries of a directory, sorted") {
  TempDir dir("installed");
  const auto eng_fra = write_dictionary(dir.path, "freedict-eng-fra", kEntries, false);
  const auto deu_ita = write_dictionary(dir.path, "freedict-deu-ita", kEntries);
  write_dictionary(dir.path, "freedict-xyz-qqq", kEntries);  // languages with no ISO 639-1 code
  write_dictionary(dir.path, "mydict-deu-ita", kEntries);    // not a FreeDict name
  write_text(dir.path / "freedict-deu-fra.index", "Haus\tA\tB\n");  // no body beside it
  CHECK(find_freedicts(dir.path.string()) ==
        std::vector<std::string>{deu_ita.string(), eng_fra.string()});

  TempDir empty("no_dictionaries");
  CHECK(find_freedicts(empty.path.string()).empty());
  CHECK(find_freedicts((empty.path / "absent").string()).empty());
  // A file where a directory should be cannot be listed.
  CHECK_THROWS_AS(static_cast<void>(find_freedicts(eng_fra.string())), IoError);
}

TEST_CASE("truncated or corrupt dictionaries throw FormatError naming the file and line") {
  TempDir dir("corrupt");
  const auto index = write_dictionary(dir.path, "freedict-deu-ita", kEntries);
  const fs::path body = dir.path / "freedict-deu-ita.dict.dz";

  SUBCASE("gzip body cut in half") {
    const auto size = fs::file_size(body);
    fs::resize_file(body, size / 2);
    CHECK_THROWS_AS((void)read_freedict(index.string()), FormatError);
  }
  SUBCASE("body that is not gzip and too short") {
    write_text(body, "not a gzip body");
    CHECK_THROWS_AS((void)read_freedict(index.string()), FormatError);
  }
  SUBCASE("entry beyond the end of the body") {
    write_text(index, "verbot\tA\tq\nwerbung\tCcQ\tq\n");
    try {
      (void)read_freedict(index.string());
      FAIL("expected FormatError");
    } catch (const FormatError& e) {
      const std::string message = e.what();
      CHECK(message.find("freedict-deu-ita.index:2:") != std::string::npos);
      CHECK(message.find("beyond the end") != std::string::npos);
    }
  }
  SUBCASE("bad base64") {
    write_text(index, "verbot\tA\tq\nwerbung\tA!\tq\n");
    try {
      (void)read_freedict(index.string());
      FAIL("expected FormatError");
    } catch (const FormatError& e) {
      const std::string message = e.what();
      CHECK(message.find(":2:") != std::string::npos);
      CHECK(message.find("base64") != std::string::npos);
    }
  }
  SUBCASE("index line without length") {
    write_text(index, "verbot\tA\n");
    CHECK_THROWS_AS((void)read_freedict(index.string()), FormatError);
  }
  SUBCASE("missing body") {
    fs::remove(body);
    CHECK_THROWS_AS((void)read_freedict(index.string()), IoError);
  }
  SUBCASE("missing index") {
    CHECK_THROWS_AS((void)read_freedict((dir.path / "freedict-deu-eng.index").string()), IoError);
  }
}

TEST_CASE("write_pairs_tsv writes one pairs-form line per translation") {
  FreeDict dict;
  dict.lang_from = "de";
  dict.lang_to = "it";
  dict.entries.push_back({"Verbot", {"divieto", "proibizione"}, 2});
  std::ostringstream out;
  write_pairs_tsv(out, dict);
  std::ostringstream weight;
  weight << LexiconOptions{}.freedict_weight;
  CHECK(out.str() == "de\tVerbot\tit\tdivieto\t" + weight.str() +
                         "\tfreedict\nde\tVerbot\tit\tproibizione\t" + weight.str() +
                         "\tfreedict\n");
}

TEST_CASE("the installed German-Italian FreeDict parses, when present") {
  const std::string index = "/usr/share/dictd/freedict-deu-ita.index";
  if (!fs::exists(index)) return;
  const FreeDict dict = read_freedict(index);
  CHECK(dict.entries.size() > 3000);
  const auto wohnung = translations_of(dict, "Wohnung");
  CHECK(std::find(wohnung.begin(), wohnung.end(), "appartamento") != wohnung.end());
  // No pronunciation or grammar leaks into headwords or translations.
  std::size_t leaks = 0;
  for (const auto& entry : dict.entries) {
    leaks += entry.headword.find('/') != std::string::npos;
    for (const auto& translation : entry.translations) {
      leaks += translation.find_first_of("/<[") != std::string::npos;
    }
  }
  CHECK(leaks == 0);
}

TEST_CASE("random entry bodies never crash the dictionary reader") {
  TempDir dir("random");
  std::uint32_t state = 777;
  const auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 24;
  };
  constexpr std::string_view kAlphabet = "\n\n  ,;/<>[](){}\"1.Ab\xc3\xa4\xff";
  Entries entries;
  for (int i = 0; i < 300; ++i) {
    std::string body;
    const std::size_t length = 1 + next() % 80;
    for (std::size_t k = 0; k < length; ++k) body += kAlphabet[next() % kAlphabet.size()];
    entries.emplace_back("w" + std::to_string(i), body);
  }
  const FreeDict dict =
      read_freedict(write_dictionary(dir.path, "freedict-deu-ita", entries).string());
  for (const auto& entry : dict.entries) {
    CHECK_FALSE(entry.headword.empty());
    CHECK(entry.primary <= entry.translations.size());
  }
}
