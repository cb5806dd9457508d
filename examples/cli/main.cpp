// crossnews: group news articles about the same story, across languages.

#include "common.hpp"

#include <iostream>

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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
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
