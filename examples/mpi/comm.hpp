#pragma once
// What crossnews-mpi sends between ranks: a byte packer, and the few collective steps it needs
// (all-to-all of byte buffers, gather to rank 0, tree reduction of document-frequency snapshots),
// each counting the bytes this rank sends.

#include <crossnews/tfidf.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crossnews::mpi {

/// Appends fixed-width integers and length-prefixed strings (host byte order: the ranks of one
/// job run one binary).
class Packer {
 public:
  void u64(std::uint64_t v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void str(std::string_view s) {
    u64(s.size());
    bytes_.append(s);
  }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

/// Reads what a Packer wrote; FormatError when the bytes run out.
class Unpacker {
 public:
  explicit Unpacker(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t u64();
  std::string str();
  [[nodiscard]] bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view take(std::size_t n);
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

struct Comm {
  int rank = 0;
  int ranks = 1;
  std::uint64_t bytes_sent = 0;  ///< by this rank, all steps so far
};

/// Sends to_rank[r] to rank r; returns what each rank sent here.
std::vector<std::string> exchange_bytes(Comm& comm, const std::vector<std::string>& to_rank);
/// Rank 0 gets every rank's bytes (in rank order); the others get nothing.
std::vector<std::string> gather_to_root(Comm& comm, const std::string& mine);
/// Every rank gets the merge of all ranks' document-frequency snapshots (DocumentFrequencies
/// ::save), reduced along a binary tree (log2(ranks) steps) and broadcast from rank 0.
std::string allreduce_frequencies(Comm& comm, std::string snapshot, const DfOptions& options);
/// The logical or of every rank's flag.
bool any_rank(bool flag);

}  // namespace crossnews::mpi
