#include "comm.hpp"

#include <crossnews/error.hpp>
#include <crossnews/vocabulary.hpp>

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <sstream>

namespace crossnews::mpi {

std::string_view Unpacker::take(std::size_t n) {
  if (bytes_.size() - pos_ < n) throw FormatError("crossnews-mpi: truncated message between ranks");
  const std::string_view out = bytes_.substr(pos_, n);
  pos_ += n;
  return out;
}

std::uint64_t Unpacker::u64() {
  std::uint64_t v = 0;
  std::memcpy(&v, take(sizeof v).data(), sizeof v);
  return v;
}

std::string Unpacker::str() { return std::string(take(u64())); }

namespace {

// MPI counts are ints: larger buffers go in pieces of this size.
constexpr std::size_t kPiece = std::size_t{1} << 30;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw IoError(std::string("MPI ") + what + " failed");
}

void send_bytes(Comm& comm, const std::string& bytes, int to) {
  std::uint64_t size = bytes.size();
  check(MPI_Send(&size, 1, MPI_UINT64_T, to, 0, MPI_COMM_WORLD), "send");
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, bytes.size() - at));
    check(MPI_Send(bytes.data() + at, n, MPI_BYTE, to, 0, MPI_COMM_WORLD), "send");
  }
  comm.bytes_sent += sizeof size + bytes.size();
}

std::string recv_bytes(int from) {
  std::uint64_t size = 0;
  check(MPI_Recv(&size, 1, MPI_UINT64_T, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "receive");
  std::string bytes(size, '\0');
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, bytes.size() - at));
    check(MPI_Recv(bytes.data() + at, n, MPI_BYTE, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "receive");
  }
  return bytes;
}

void broadcast_from_root(Comm& comm, std::string& bytes) {
  std::uint64_t size = bytes.size();
  check(MPI_Bcast(&size, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "broadcast");
  bytes.resize(size);
  for (std::size_t at = 0; at < bytes.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, bytes.size() - at));
    check(MPI_Bcast(bytes.data() + at, n, MPI_BYTE, 0, MPI_COMM_WORLD), "broadcast");
  }
  // A tree broadcast sends each byte ranks - 1 times in all; counted where it leaves rank 0.
  if (comm.rank == 0) comm.bytes_sent += (sizeof size + size) * std::uint64_t(comm.ranks - 1);
}

std::string merge_snapshots(const std::string& a, const std::string& b, const DfOptions& options) {
  Vocabulary vocabulary, other_vocabulary;
  DocumentFrequencies merged(vocabulary, options), other(other_vocabulary, options);
  std::istringstream in_a(a), in_b(b);
  merged.load(in_a);
  other.load(in_b);
  merged.merge(other);
  std::ostringstream out;
  merged.save(out);
  return std::move(out).str();
}

}  // namespace

std::vector<std::string> exchange_bytes(Comm& comm, const std::vector<std::string>& to_rank) {
  // One partner pair per step; buffers beyond an int count go as several messages, which MPI
  // delivers in order between two ranks.
  std::vector<std::string> received(std::size_t(comm.ranks));
  received[std::size_t(comm.rank)] = to_rank[std::size_t(comm.rank)];
  for (int step = 1; step < comm.ranks; ++step) {
    const int to = (comm.rank + step) % comm.ranks;
    const int from = (comm.rank - step + comm.ranks) % comm.ranks;
    const std::string& out = to_rank[std::size_t(to)];
    std::uint64_t out_size = out.size(), in_size = 0;
    check(MPI_Sendrecv(&out_size, 1, MPI_UINT64_T, to, 1, &in_size, 1, MPI_UINT64_T, from, 1,
                       MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "exchange");
    std::string& in = received[std::size_t(from)];
    in.resize(in_size);
    std::vector<MPI_Request> requests;
    const auto post = [&](char* data, std::size_t size, bool sending, int peer) {
      for (std::size_t at = 0; at < size; at += kPiece) {
        const int n = static_cast<int>(std::min(kPiece, size - at));
        requests.emplace_back();
        check(sending
                  ? MPI_Isend(data + at, n, MPI_BYTE, peer, 2, MPI_COMM_WORLD, &requests.back())
                  : MPI_Irecv(data + at, n, MPI_BYTE, peer, 2, MPI_COMM_WORLD, &requests.back()),
              "exchange");
      }
    };
    post(in.data(), in.size(), false, from);
    post(const_cast<char*>(out.data()), out.size(), true, to);
    check(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE),
          "exchange");
    comm.bytes_sent += sizeof out_size + out.size();
  }
  return received;
}

std::vector<std::string> gather_to_root(Comm& comm, const std::string& mine) {
  std::vector<std::string> all;
  if (comm.rank != 0) {
    send_bytes(comm, mine, 0);
    return all;
  }
  all.push_back(mine);
  for (int from = 1; from < comm.ranks; ++from) all.push_back(recv_bytes(from));
  return all;
}

std::string allreduce_frequencies(Comm& comm, std::string snapshot, const DfOptions& options) {
  // Binomial tree: at step s, a rank with bit s set hands its sum to the rank s below and is done.
  for (int step = 1; step < comm.ranks; step <<= 1) {
    if ((comm.rank & step) != 0) {
      send_bytes(comm, snapshot, comm.rank - step);
      break;
    }
    if (comm.rank + step < comm.ranks) {
      snapshot = merge_snapshots(snapshot, recv_bytes(comm.rank + step), options);
    }
  }
  if (comm.rank != 0) snapshot.clear();
  broadcast_from_root(comm, snapshot);
  return snapshot;
}

bool any_rank(bool flag) {
  int mine = flag ? 1 : 0, any = 0;
  check(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD), "allreduce");
  return any != 0;
}

}  // namespace crossnews::mpi
