#include <crossnews/model.hpp>

#include <crossnews/error.hpp>

#include "data/embedded_data.hpp"
#include "lexicon/detail/tables_io.hpp"
#include "model/detail/background.hpp"
#include "model/detail/binary.hpp"
#include "model/detail/snapshot.hpp"

#include <fstream>
#include <sstream>

namespace crossnews {

namespace {

constexpr detail::SnapshotKind kFormat{{'C', 'N', 'X', 'M', 'O', '\x89', '\r', '\n'}, 1, "model"};
constexpr std::string_view kBuiltinBackground = "background/df.tsv";

}  // namespace

struct Model::Impl {
  const Analyzer* analyzer = nullptr;
  Lexicon lexicon;
  Vocabulary vocabulary;
  DocumentFrequencies background{vocabulary};
};

Model::Model() : impl_(std::make_unique<Impl>()) {}

const Analyzer& Model::analyzer() const { return *impl_->analyzer; }
const Lexicon& Model::lexicon() const { return impl_->lexicon; }
const DocumentFrequencies& Model::background() const { return impl_->background; }

// Payload: signature:text lexicon-tables background:u64-length DF-snapshot
void Model::save(std::ostream& out) const {
  std::string payload;
  detail::ByteWriter w(payload);
  w.text(detail::analyzer_signature(impl_->analyzer->options()));
  detail::write_tables(w, detail::tables_of(impl_->lexicon));
  std::ostringstream snapshot;
  impl_->background.save(snapshot);
  w.u64(snapshot.view().size());
  w.bytes(snapshot.view());
  detail::write_snapshot(out, kFormat, payload);
}

Model Model::load(std::istream& in, const Analyzer& analyzer, std::string_view name) {
  Model model;
  model.impl_->analyzer = &analyzer;
  try {
    const std::string payload = detail::read_snapshot(in, kFormat);
    detail::ByteReader r(payload, kFormat.what);
    detail::check_analyzer(r.text("analyzer options"), analyzer.options(), "the model");
    model.impl_->lexicon = detail::lexicon_of(detail::read_tables(r));
    std::istringstream snapshot(std::string(r.bytes(r.count("background", 1), "background")));
    model.impl_->background.load(snapshot);
    if (r.remaining() != 0) r.fail("payload", r.position(), "has trailing bytes");
  } catch (const FormatError& e) {
    throw FormatError(std::string(name) + ": " + e.what());
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(name) + ": " + e.what());
  }
  return model;
}

Model Model::load(const std::string& path, const Analyzer& analyzer) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open the model " + path);
  return load(in, analyzer, path);
}

// --- building --------------------------------------------------------------------------------------

struct ModelBuilder::Impl {
  const Analyzer& analyzer;
  LexiconBuilder lexicon;
  Vocabulary vocabulary;  // raw analysed terms of the background
  DocumentFrequencies raw{vocabulary};

  Impl(const Analyzer& a, LexiconOptions options) : analyzer(a), lexicon(a, options) {}
};

ModelBuilder::ModelBuilder(const Analyzer& analyzer, LexiconOptions options)
    : impl_(std::make_unique<Impl>(analyzer, options)) {}

LexiconBuilder& ModelBuilder::lexicon() { return impl_->lexicon; }

void ModelBuilder::add_builtin_background() {
  const auto content = detail::embedded_file(kBuiltinBackground);
  if (!content) {
    throw IoError("the built-in background data/" + std::string(kBuiltinBackground) +
                  " is not compiled into this library");
  }
  load_background("the built-in background", *content);
}

void ModelBuilder::add_background(std::span<const Article> articles) {
  detail::count_background(impl_->analyzer, articles, impl_->vocabulary, impl_->raw);
}

void ModelBuilder::load_background(std::string_view name, std::string_view content) {
  detail::read_background_tsv(name, content, impl_->analyzer.options(), impl_->raw);
}

void ModelBuilder::write_background(std::ostream& out, double min_df) const {
  detail::write_background_tsv(out, impl_->raw, detail::analyzer_signature(impl_->analyzer.options()),
                               min_df);
}

double ModelBuilder::background_documents() const { return impl_->raw.total_documents(); }

Model ModelBuilder::build() const {
  Model model;
  model.impl_->analyzer = &impl_->analyzer;
  model.impl_->lexicon = impl_->lexicon.build();
  detail::project_background(impl_->raw, model.impl_->lexicon, model.impl_->background);
  return model;
}

}  // namespace crossnews
