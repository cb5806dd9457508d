#pragma once
// Everything crossnews offers, in one include.

#include <crossnews/analyzer.hpp>
#include <crossnews/clusterer.hpp>
#include <crossnews/corpus_io.hpp>
#include <crossnews/crosslingual_map.hpp>
#include <crossnews/document.hpp>
#include <crossnews/error.hpp>
#include <crossnews/explain.hpp>
#include <crossnews/featurizer.hpp>
#include <crossnews/freedict.hpp>
#include <crossnews/inverted_index.hpp>
#include <crossnews/lexicon.hpp>
#include <crossnews/metrics.hpp>
#include <crossnews/model.hpp>
#include <crossnews/sparse_vector.hpp>
#include <crossnews/story_writer.hpp>
#include <crossnews/strong_id.hpp>
#include <crossnews/tfidf.hpp>
#include <crossnews/version.hpp>
#include <crossnews/vocabulary.hpp>
