// The learned cross-lingual map: regularised CCA over the aligned pairs of a first clustering,
// solved through each side's Gram matrix (crosslingual_map.hpp says why).

#include <crossnews/crosslingual_map.hpp>

#include <crossnews/clusterer.hpp>
#include <crossnews/error.hpp>

#include "cluster/detail/aligned_pairs.hpp"

#include <absl/container/flat_hash_map.h>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace crossnews {
namespace {

// Fewer aligned pairs than this teach nothing the keyword map does not.
constexpr std::size_t kMinAlignedPairs = 8;
// The most aligned pairs a language pair learns from (its most similar ones): the Gram matrices,
// their eigenvectors and the SVD are pairs x pairs and cost pairs^3, so this bounds the learning
// at any corpus size (2,000 took minutes and 350 MB on a 20,000-article corpus, 500 seconds).
constexpr std::size_t kMaxAlignedPairs = 500;
// Eigenvalues below this share of the largest are numerical zeros.
constexpr double kRelativeTolerance = 1e-9;

using SparseRows = Eigen::SparseMatrix<double, Eigen::RowMajor>;

// The language-specific entries of an article (what no concept or name covers), and their norm.
template <class Fn>
double for_each_own_word(const Featurizer& f, const DocFeatures& doc, Fn&& fn) {
  double norm2 = 0.0;
  for (const auto& e : doc.vector.entries()) {
    if (!f.is_crosslingual(e.term)) norm2 += double(e.weight) * e.weight;
  }
  const double norm = std::sqrt(norm2);
  if (norm == 0.0) return 0.0;
  for (const auto& e : doc.vector.entries()) {
    if (!f.is_crosslingual(e.term)) fn(e.term, double(e.weight) / norm);
  }
  return norm;
}

// One language's side of a map: `rank` weights per word it knows, and the projection of the
// aligned articles' mean, subtracted from every projection (centring).
struct Side {
  absl::flat_hash_map<TermId, std::uint32_t> row_of;
  std::vector<float> rows;
  std::vector<float> offset;
};

struct PairMap {
  LangSlot lang_a, lang_b;  // lang_a < lang_b
  std::size_t rank = 0;
  std::size_t aligned_pairs = 0;
  Side a, b;
};

// The aligned articles of one side as unit rows over the words they use.
struct SideData {
  std::vector<TermId> words;  // column -> word
  SparseRows x;
};

SideData side_data(const Featurizer& f, std::span<const DocId> docs) {
  SideData out;
  absl::flat_hash_map<TermId, std::uint32_t> column_of;
  std::vector<Eigen::Triplet<double>> cells;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    for_each_own_word(f, f.features(docs[i]), [&](TermId term, double weight) {
      const auto [it, added] = column_of.try_emplace(term, std::uint32_t(out.words.size()));
      if (added) out.words.push_back(term);
      cells.emplace_back(int(i), int(it->second), weight);
    });
  }
  out.x.resize(Eigen::Index(docs.size()), Eigen::Index(out.words.size()));
  out.x.setFromTriplets(cells.begin(), cells.end());
  return out;
}

// The principal axes of the centred aligned articles, from their Gram matrix: eigenvectors
// (columns of e, orthogonal to the constant vector) and eigenvalues, the numerical zeros left out.
struct Axes {
  Eigen::MatrixXd e;
  Eigen::VectorXd lambda;
  double mean_variance = 0.0;  // trace / articles
};

Axes principal_axes(const SparseRows& x) {
  const Eigen::Index n = x.rows();
  const SparseRows product = x * SparseRows(x.transpose());
  Eigen::MatrixXd gram = product.toDense();
  const Eigen::VectorXd row_mean = gram.rowwise().mean();
  const double mean = row_mean.mean();
  gram.colwise() -= row_mean;
  gram.rowwise() -= row_mean.transpose();
  gram.array() += mean;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram);
  const Eigen::VectorXd& values = solver.eigenvalues();  // ascending
  const double cut = kRelativeTolerance * std::max(values(n - 1), 0.0);
  Eigen::Index first = 0;
  while (first < n && values(first) <= cut) ++first;
  Axes axes;
  axes.e = solver.eigenvectors().rightCols(n - first);
  axes.lambda = values.tail(n - first);
  axes.mean_variance = gram.trace() / double(n);
  return axes;
}

// A side's word weights for directions `coefficients` (articles x rank) of its centred rows:
// U = (X - 1 m^T)^T A, and the projection of the mean, U^T m.
Side side_map(const SideData& data, const Eigen::MatrixXd& coefficients) {
  const Eigen::Index n = data.x.rows(), rank = coefficients.cols();
  const Eigen::RowVectorXd mean = Eigen::RowVectorXd::Ones(n) * data.x / double(n);
  const Eigen::MatrixXd u =
      Eigen::MatrixXd(SparseRows(data.x.transpose()) * coefficients) -
      mean.transpose() * coefficients.colwise().sum();
  Side side;
  side.rows.resize(std::size_t(u.rows() * rank));
  for (Eigen::Index w = 0; w < u.rows(); ++w) {
    side.row_of.emplace(data.words[std::size_t(w)], std::uint32_t(w));
    for (Eigen::Index k = 0; k < rank; ++k) side.rows[std::size_t(w * rank + k)] = float(u(w, k));
  }
  const Eigen::VectorXd offset = u.transpose() * mean.transpose();
  side.offset.assign(offset.data(), offset.data() + offset.size());
  return side;
}

// Regularised CCA of the two sides of the aligned pairs. In the axes of each side (coordinates
// E sqrt(L)), the ridge-whitened cross-covariance is
//   M = diag(sqrt(Lx / (Lx + rx))) Ex^T Ey diag(sqrt(Ly / (Ly + ry)));
// its singular vectors P, Q give the directions, A = Ex diag(1 / sqrt(Lx (Lx + rx))) P S (S the
// canonical correlations, weighting each direction by how well it aligns), likewise for y.
std::optional<PairMap> learn_pair(const Featurizer& f, std::span<const DocId> docs_a,
                                  std::span<const DocId> docs_b, const DenseMapOptions& o) {
  const SideData xa = side_data(f, docs_a), xb = side_data(f, docs_b);
  if (xa.words.empty() || xb.words.empty()) return std::nullopt;
  const Axes ax = principal_axes(xa.x), bx = principal_axes(xb.x);
  if (ax.lambda.size() == 0 || bx.lambda.size() == 0) return std::nullopt;
  const auto shrink = [&](const Axes& axes) {
    const Eigen::ArrayXd ridge = axes.lambda.array() + o.regularization * axes.mean_variance;
    return std::pair{Eigen::VectorXd((axes.lambda.array() / ridge).sqrt()),
                     Eigen::VectorXd((axes.lambda.array() * ridge).sqrt().inverse())};
  };
  const auto [keep_a, scale_a] = shrink(ax);
  const auto [keep_b, scale_b] = shrink(bx);
  const Eigen::MatrixXd m = keep_a.asDiagonal() * (ax.e.transpose() * bx.e) * keep_b.asDiagonal();
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(m, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd& s = svd.singularValues();
  Eigen::Index rank = 0;
  while (rank < std::min<Eigen::Index>(Eigen::Index(o.rank), s.size()) &&
         s(rank) > kRelativeTolerance)
    ++rank;
  if (rank == 0) return std::nullopt;
  const Eigen::VectorXd correlations = s.head(rank);
  PairMap map;
  map.rank = std::size_t(rank);
  map.aligned_pairs = docs_a.size();
  map.a = side_map(xa, ax.e * scale_a.asDiagonal() * svd.matrixU().leftCols(rank) *
                           correlations.asDiagonal());
  map.b = side_map(xb, bx.e * scale_b.asDiagonal() * svd.matrixV().leftCols(rank) *
                           correlations.asDiagonal());
  return map;
}

struct Aligned {
  DocId a, b;  // a in the smaller language slot
  float similarity = 0.0f;
};

}  // namespace

struct CrosslingualMap::Impl {
  std::vector<PairMap> maps;  // by (lang_a, lang_b)
  std::vector<std::pair<std::string, std::string>> languages;  // of each map

  [[nodiscard]] const PairMap* find(LangSlot x, LangSlot y) const {
    const auto [lo, hi] = std::minmax(x, y);
    const auto it = std::lower_bound(maps.begin(), maps.end(), std::pair{lo, hi},
                                     [](const PairMap& m, const std::pair<LangSlot, LangSlot>& k) {
                                       return std::pair{m.lang_a, m.lang_b} < k;
                                     });
    return it != maps.end() && it->lang_a == lo && it->lang_b == hi ? &*it : nullptr;
  }

  // p = U^T x - offset for one article; false when it has no word the side knows. `used` gets
  // the rows and weights of its known words.
  static bool project(const Featurizer& featurizer, const Side& side, std::size_t rank,
                      const DocFeatures& doc, std::vector<double>& p,
                      std::vector<std::pair<TermId, double>>* used = nullptr) {
    p.assign(side.offset.begin(), side.offset.end());
    for (double& v : p) v = -v;
    bool known = false;
    for_each_own_word(featurizer, doc, [&](TermId term, double weight) {
      const auto it = side.row_of.find(term);
      if (it == side.row_of.end()) return;
      known = true;
      const float* row = &side.rows[std::size_t(it->second) * rank];
      for (std::size_t k = 0; k < rank; ++k) p[k] += weight * row[k];
      if (used != nullptr) used->emplace_back(term, weight);
    });
    return known;
  }

  // Two articles of different languages in their pair's learned space.
  struct ProjectedPair {
    const PairMap* map;
    const Side* side_a;
    const Side* side_b;
    std::vector<double> a, b;
    double norms;  // |a| |b|, above 0
  };
  // Nothing where the map has no such pair, the languages are the same, or either article has
  // no word its side knows (or projects onto the origin).
  [[nodiscard]] std::optional<ProjectedPair> project_pair(
      const Featurizer& featurizer, const DocFeatures& a, const DocFeatures& b,
      std::vector<std::pair<TermId, double>>* used_a = nullptr,
      std::vector<std::pair<TermId, double>>* used_b = nullptr) const {
    const PairMap* map = find(a.lang_slot, b.lang_slot);
    if (map == nullptr || a.lang_slot == b.lang_slot) return std::nullopt;
    const bool a_first = a.lang_slot == map->lang_a;
    ProjectedPair p{map, a_first ? &map->a : &map->b, a_first ? &map->b : &map->a, {}, {}, 0.0};
    if (!project(featurizer, *p.side_a, map->rank, a, p.a, used_a) ||
        !project(featurizer, *p.side_b, map->rank, b, p.b, used_b)) {
      return std::nullopt;
    }
    p.norms = std::sqrt(std::inner_product(p.a.begin(), p.a.end(), p.a.begin(), 0.0) *
                        std::inner_product(p.b.begin(), p.b.end(), p.b.begin(), 0.0));
    if (p.norms == 0.0) return std::nullopt;
    return p;
  }
};

CrosslingualMap::CrosslingualMap() : impl_(std::make_unique<Impl>()) {}

CrosslingualMap CrosslingualMap::learn(const Featurizer& featurizer, const ClusterOptions& options) {
  ClusterOptions first = options;
  first.dense_map.enabled = false;
  return learn(featurizer, cluster_batch(featurizer, first).assignment, options);
}

CrosslingualMap CrosslingualMap::learn(const Featurizer& featurizer,
                                       std::span<const ClusterId> assignment,
                                       const ClusterOptions& options) {
  validate(options);
  if (!featurizer.finished()) {
    throw ConfigError("CrosslingualMap::learn: the featurizer's articles are not weighed yet; "
                      "call finish()");
  }
  if (assignment.size() != featurizer.size()) {
    throw ConfigError("CrosslingualMap::learn: " + std::to_string(assignment.size()) +
                      " story ids for " + std::to_string(featurizer.size()) + " articles");
  }
  std::map<std::pair<LangSlot, LangSlot>, std::vector<Aligned>> by_languages;
  detail::for_each_aligned_pair(
      featurizer, assignment, options, options.dense_map.min_similarity,
      [&](DocId x, DocId y, float s) {
        const LangSlot lx = featurizer.features(x).lang_slot, ly = featurizer.features(y).lang_slot;
        if (lx < ly) {
          by_languages[{lx, ly}].push_back({x, y, s});
        } else {
          by_languages[{ly, lx}].push_back({y, x, s});
        }
      });
  CrosslingualMap out;
  for (auto& [languages, pairs] : by_languages) {
    if (pairs.size() < kMinAlignedPairs) continue;
    std::stable_sort(pairs.begin(), pairs.end(), [](const Aligned& x, const Aligned& y) {
      return x.similarity > y.similarity;
    });
    if (pairs.size() > kMaxAlignedPairs) pairs.resize(kMaxAlignedPairs);
    std::vector<DocId> docs_a, docs_b;
    for (const Aligned& p : pairs) {
      docs_a.push_back(p.a);
      docs_b.push_back(p.b);
    }
    auto map = learn_pair(featurizer, docs_a, docs_b, options.dense_map);
    if (!map) continue;
    map->lang_a = languages.first;
    map->lang_b = languages.second;
    out.impl_->maps.push_back(std::move(*map));
    out.impl_->languages.emplace_back(featurizer.language(languages.first),
                                      featurizer.language(languages.second));
  }
  return out;
}

std::optional<float> CrosslingualMap::similarity(const Featurizer& featurizer, const DocFeatures& a,
                                                 const DocFeatures& b) const {
  const auto p = impl_->project_pair(featurizer, a, b);
  if (!p) return std::nullopt;
  const double dot = std::inner_product(p->a.begin(), p->a.end(), p->b.begin(), 0.0);
  return float(dot / p->norms);
}

CrosslingualMap::Contributions CrosslingualMap::contributions(const Featurizer& featurizer,
                                                              const DocFeatures& a,
                                                              const DocFeatures& b,
                                                              std::size_t top) const {
  Contributions out;
  std::vector<std::pair<TermId, double>> used_a, used_b;
  const auto p = impl_->project_pair(featurizer, a, b, &used_a, &used_b);
  if (!p) return out;
  const auto words = [&](const Side& side, const std::vector<std::pair<TermId, double>>& used,
                         const std::vector<double>& other) {
    std::vector<DenseContribution> list;
    for (const auto& [term, weight] : used) {
      const float* row = &side.rows[std::size_t(side.row_of.at(term)) * p->map->rank];
      double toward = 0.0;
      for (std::size_t k = 0; k < p->map->rank; ++k) toward += row[k] * other[k];
      const double share = weight * toward / p->norms;
      if (share > 0.0) list.push_back({term, float(share)});
    }
    std::sort(list.begin(), list.end(), [](const DenseContribution& x, const DenseContribution& y) {
      return x.share != y.share ? x.share > y.share : x.term < y.term;
    });
    if (list.size() > top) list.resize(top);
    return list;
  };
  out.a = words(*p->side_a, used_a, p->b);
  out.b = words(*p->side_b, used_b, p->a);
  return out;
}

std::vector<CrosslingualMap::PairInfo> CrosslingualMap::language_pairs() const {
  std::vector<PairInfo> out;
  for (std::size_t i = 0; i < impl_->maps.size(); ++i) {
    const PairMap& m = impl_->maps[i];
    out.push_back({impl_->languages[i].first, impl_->languages[i].second, m.aligned_pairs, m.rank,
                   m.a.row_of.size(), m.b.row_of.size()});
  }
  return out;
}

std::size_t CrosslingualMap::memory_bytes() const {
  std::size_t bytes = 0;
  for (const PairMap& m : impl_->maps) {
    for (const Side* side : {&m.a, &m.b}) {
      bytes += side->rows.size() * sizeof(float) + side->offset.size() * sizeof(float) +
               side->row_of.capacity() * (sizeof(TermId) + sizeof(std::uint32_t) + 1);
    }
  }
  return bytes;
}

}  // namespace crossnews
