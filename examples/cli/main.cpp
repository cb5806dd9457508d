// crossnews: group news articles about the same story, across languages.

#include "common.hpp"
#include "output.hpp"

#include <algorithm>
#include <iostream>
#include <numeric>

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "; did you mean 'x'?" for the name closest to `typed`, if it is a likely typo of it.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& names) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(2, typed.size() / 4) + 1;
  for (const auto& name : names) {
    const std::size_t d = name.starts_with(typed) ? 1 : edit_distance(typed, name);
    if (d < best_distance) best = &name, best_distance = d;
  }
  return best ? "; did you mean '" + *best + "'?" : "";
}

// After a parse error: the first unknown subcommand or long option on the command line, with
// the closest known name, or "" when every name is known (the error is about a value).
std::string unknown_name(CLI::App& root, int argc, char** argv) {
  CLI::App* command = &root;
  std::string path = root.get_name();
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg.starts_with("--")) {
      const std::string name(arg.substr(0, arg.find('=')));
      if (command->get_option_no_throw(name) != nullptr) continue;
      std::vector<std::string> known;
      for (const CLI::Option* option : command->get_options()) {
        for (const auto& long_name : option->get_lnames()) known.push_back("--" + long_name);
      }
      return path + ": unknown option '" + name + "'" + did_you_mean(name, known);
    }
    const auto subcommands = command->get_subcommands([](CLI::App*) { return true; });
    if (arg.starts_with("-") || subcommands.empty()) continue;  // short options and values
    std::vector<std::string> known;
    CLI::App* next = nullptr;
    for (CLI::App* sub : subcommands) {
      known.push_back(sub->get_name());
      if (sub->get_name() == arg) next = sub;
    }
    if (!next) {
      return path + ": unknown command '" + std::string(arg) + "'" + did_you_mean(arg, known);
    }
    command = next;
    path += " " + next->get_name();
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace crossnews::cli;
  CLI::App app{
      "crossnews groups news articles about the same story, across languages.\n\n"
      "Examples:\n"
      "  crossnews cluster examples/data/articles.jsonl --stories stories.jsonl -o assign.tsv\n"
      "  crossnews eval --gold examples/data/articles.jsonl assign.tsv\n"
      "  crossnews explain --input examples/data/articles.jsonl ex-001 ex-002\n"
      "  crossnews analyze --lang de --text - <<< 'Twitter sperrt Kaspersky für Werbung'\n"
      "  crossnews lexicon stats --input examples/data/articles.jsonl",
      "crossnews"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("crossnews ") + crossnews::version_string);
  register_cluster(app);
  register_eval(app);
  register_explain(app);
  register_analyze(app);
  register_lexicon(app);
  register_model(app);
  register_stream(app);
  try {
    app.parse(argc, argv);
    close_stdout();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string unknown = unknown_name(app, argc, argv);
    if (unknown.empty()) {
      app.exit(e);
    } else {
      std::cerr << unknown << "\nRun with --help for more information.\n";
    }
    return kUsage;
  } catch (const ExitError& e) {
    std::cerr << "crossnews: " << e.message << '\n';
    return e.code;
  } catch (const crossnews::IoError& e) {
    std::cerr << "crossnews: " << e.what() << '\n';
    return kUsage;
  } catch (const crossnews::Error& e) {
    std::cerr << "crossnews: " << e.what() << '\n';
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "crossnews: internal error: " << e.what() << '\n';
    return kFailure;
  }
  return kOk;
}
