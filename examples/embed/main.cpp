// A program that embeds crossnews: clusters a few articles as a stream and prints the stories.

#include <crossnews/crossnews.hpp>

#include <iostream>
#include <vector>

int main() {
  using crossnews::Article;
  // A feed that knows an article's language gives it; the others' is detected from their text.
  const std::vector<Article> articles = {
      {.id = "de-1",
       .title = "Hochwasser in Passau: Altstadt evakuiert",
       .text = "Nach tagelangem Regen hat die Donau in Passau die Altstadt überflutet. Die Feuerwehr "
               "evakuierte 800 Bewohner, Schulen bleiben geschlossen.",
       .lang = "de",
       .time = 1741000000},
      {.id = "it-1",
       .title = "Alluvione a Passau, evacuato il centro storico",
       .text = "Dopo giorni di pioggia il Danubio ha allagato il centro storico di Passau. I vigili "
               "del fuoco hanno evacuato 800 residenti e le scuole restano chiuse.",
       .time = 1741003600},
      {.id = "en-1",
       .title = "Central bank raises interest rates to 4 percent",
       .text = "The central bank raised its key interest rate to 4 percent on Tuesday, citing "
               "stubborn inflation in services and rising wages.",
       .time = 1741010000},
  };

  crossnews::Analyzer analyzer;  // immutable, shareable across threads
  // The model: the keyword map and background document frequencies, built once. A program that
  // starts often saves it (model.save(file)) and loads it (Model::load(path, analyzer)) instead.
  crossnews::ModelBuilder builder(analyzer);
  builder.lexicon().add_builtin();  // the news lexicon compiled into the library
  builder.add_builtin_background();  // so that three articles still get sensible weights
  const crossnews::Model model = builder.build();

  crossnews::StreamClusterer clusterer(model);
  for (const auto& article : articles) {
    const crossnews::ClusterId story = clusterer.add(article);
    std::cout << article.id << " -> story " << story.value() << '\n';
  }
  for (const auto& story : clusterer.stories()) {
    std::cout << "story " << story.id.value() << " (" << story.size << " articles):";
    for (const auto& [lang, title] : story.titles) std::cout << "  [" << lang << "] " << title;
    std::cout << '\n';
  }
  return 0;
}
