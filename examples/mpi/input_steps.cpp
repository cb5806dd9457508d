#include "steps.hpp"

#include <crossnews/error.hpp>

#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>

namespace crossnews::mpi {

using cli::ExitError;
using cli::kUsage;

namespace {

// Moves what parse_jsonl or a reader appended into `local`, keyed by input and line (or position).
void take_read(Corpus& corpus, std::vector<ArticleOrigin>& origins, std::size_t input,
               LocalInput& local) {
  for (std::size_t i = 0; i < corpus.articles.size(); ++i) {
    const std::uint64_t line = origins[i].line != 0 ? origins[i].line : local.order.size() + 1;
    local.order.push_back(order_key(input, line));
    local.articles.push_back(std::move(corpus.articles[i]));
  }
  for (auto& r : corpus.rejected) {
    const std::uint64_t line = r.line != 0 ? r.line : local.rejected.size() + 1;
    local.rejected.emplace_back(order_key(input, line), std::move(r));
  }
  std::move(corpus.warnings.begin(), corpus.warnings.end(), std::back_inserter(local.warnings));
  corpus = {};
  origins.clear();
}

}  // namespace

std::vector<InputPlan> plan_inputs(const std::vector<std::string>& inputs, int ranks) {
  try {
    ArticleReader probe{std::span<const std::string>(inputs)};  // the CLI's checks and messages
  } catch (const IoError& e) {
    throw ExitError{kUsage, e.what()};
  }
  std::vector<InputPlan> plan(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& path = inputs[i];
    plan[i].source_name = path == "-" ? "<stdin>" : path;
    const int round_robin = static_cast<int>(i % std::size_t(ranks));
    if (path == "-") {
      plan[i].whole_reader = 0;  // mpirun forwards stdin to rank 0 only
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    char magic[2] = {};
    in.read(magic, 2);
    if (std::filesystem::is_directory(path) ||
        (in.gcount() == 2 && magic[0] == '\x1f' && magic[1] == '\x8b')) {
      plan[i].whole_reader = round_robin;
    } else {
      plan[i].size = std::filesystem::file_size(path);
    }
  }
  return plan;
}

LocalInput read_local(const std::vector<std::string>& inputs, const std::vector<InputPlan>& plan,
                      Comm& comm) {
  std::vector<std::uint64_t> sizes;
  for (const auto& p : plan) sizes.push_back(p.size);
  const auto pieces = pieces_for_rank(sizes, comm.rank, comm.ranks);
  std::vector<std::string> contents;
  std::vector<std::uint64_t> lines(plan.size(), 0), lines_before(plan.size(), 0);
  for (const auto& piece : pieces) {
    contents.push_back(read_lines_in(inputs[piece.input], piece.begin, piece.end));
    lines[piece.input] +=
        std::uint64_t(std::count(contents.back().begin(), contents.back().end(), '\n'));
  }
  // The lines of a file before this rank's piece are those of the lower ranks' pieces.
  std::vector<std::uint64_t> scanned(plan.size(), 0);
  MPI_Exscan(lines.data(), scanned.data(), static_cast<int>(lines.size()), MPI_UINT64_T, MPI_SUM,
             MPI_COMM_WORLD);
  if (comm.rank > 0) lines_before = scanned;
  LocalInput local;
  Corpus corpus;
  std::vector<ArticleOrigin> origins;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const std::size_t input = pieces[k].input;
    parse_jsonl(plan[input].source_name, contents[k], corpus, {}, lines_before[input], &origins);
    std::string().swap(contents[k]);
    take_read(corpus, origins, input, local);
  }
  for (std::size_t input = 0; input < plan.size(); ++input) {
    if (plan[input].whole_reader != comm.rank) continue;
    ArticleReader reader(inputs[input]);
    while (reader.next(corpus.articles, 4096, &origins)) {
    }
    corpus.rejected = std::move(reader.rejected());
    corpus.warnings = std::move(reader.warnings());
    take_read(corpus, origins, input, local);
  }
  return local;
}

Ranges plan_ranges(const LocalInput& local, const ClusterOptions& options, Comm& comm) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(),
               hi = std::numeric_limits<std::int64_t>::min();
  std::uint64_t timed = 0;
  for (const auto& a : local.articles) {
    if (!a.time) continue;
    lo = std::min(lo, *a.time);
    hi = std::max(hi, *a.time);
    ++timed;
  }
  std::int64_t min_time = 0, max_time = 0;
  std::uint64_t all_timed = 0;
  MPI_Allreduce(&lo, &min_time, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&hi, &max_time, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(&timed, &all_timed, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  // Without a window every pair may link, and without times nothing orders the corpus: one range.
  const double window_seconds = options.window_days * 86400.0;
  const bool one_range = all_timed == 0 || !(window_seconds > 0) || window_seconds > 1e15;
  Ranges out;
  if (one_range) {
    out.ranges = cut_time({}, 0, 1, comm.ranks, 0, true);
    return out;
  }
  out.timeless_key = min_time;
  const std::int64_t width = bucket_width(min_time, max_time);
  std::vector<std::uint64_t> histogram(kHistogramBuckets, 0), merged(kHistogramBuckets, 0);
  for (const auto& a : local.articles) {
    ++histogram[std::size_t((a.time.value_or(min_time) - min_time) / width)];
  }
  MPI_Allreduce(histogram.data(), merged.data(), static_cast<int>(merged.size()), MPI_UINT64_T,
                MPI_SUM, MPI_COMM_WORLD);
  out.ranges = cut_time(merged, min_time, width, comm.ranks,
                        static_cast<std::int64_t>(std::ceil(window_seconds)), false);
  return out;
}

HeldArticles send_to_holders(LocalInput& local, const Ranges& ranges, Comm& comm) {
  std::vector<Packer> out(std::size_t(comm.ranks));
  for (std::size_t i = 0; i < local.articles.size(); ++i) {
    Article& a = local.articles[i];
    const auto holders = ranges.ranges.holders(a.time.value_or(ranges.timeless_key));
    for (const int h : holders) {
      Packer& p = out[std::size_t(h)];
      p.u64(local.order[i]);
      p.u64(h == holders.front() ? 1 : 0);
      p.str(a.id);
      p.str(a.title);
      p.str(a.text);
      p.str(a.lang);
      p.u64(a.time ? 1 : 0);
      p.u64(static_cast<std::uint64_t>(a.time.value_or(0)));
    }
    a = {};
  }
  std::vector<std::string> buffers;
  for (auto& p : out) buffers.push_back(std::move(p.bytes()));
  std::vector<Article>().swap(local.articles);
  auto received = exchange_bytes(comm, buffers);
  buffers.clear();
  HeldArticles unsorted;
  for (auto& bytes : received) {
    Unpacker in(bytes);
    while (!in.done()) {
      unsorted.order.push_back(in.u64());
      unsorted.owned.push_back(static_cast<std::uint8_t>(in.u64()));
      Article& a = unsorted.articles.emplace_back();
      a.id = in.str();
      a.title = in.str();
      a.text = in.str();
      a.lang = in.str();
      const bool has_time = in.u64() != 0;
      const auto time = static_cast<std::int64_t>(in.u64());
      if (has_time) a.time = time;
    }
    std::string().swap(bytes);
  }
  std::vector<std::size_t> by_order(unsorted.order.size());
  std::iota(by_order.begin(), by_order.end(), std::size_t{0});
  std::sort(by_order.begin(), by_order.end(),
            [&](std::size_t a, std::size_t b) { return unsorted.order[a] < unsorted.order[b]; });
  HeldArticles held;
  for (const std::size_t i : by_order) {
    held.articles.push_back(std::move(unsorted.articles[i]));
    held.order.push_back(unsorted.order[i]);
    held.owned.push_back(unsorted.owned[i]);
  }
  return held;
}

}  // namespace crossnews::mpi
