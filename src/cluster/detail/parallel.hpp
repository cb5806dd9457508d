#pragma once
// Splits [0, n) into one contiguous range per worker and runs them on threads. Each result is
// written by index, so the outcome does not depend on the number of workers.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace crossnews::detail {

/// Workers worth starting for n items: no more than asked, than items, or than a few per hardware
/// thread. Callers keep buffers per worker (some as large as the vocabulary), so `--threads 256`
/// on a 2-core machine must not mean 256 of them.
inline std::size_t worker_count(std::size_t requested, std::size_t n) {
  const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min({requested, n, 2 * hardware}));
}

template <class Fn>  // Fn(std::size_t worker, std::size_t begin, std::size_t end)
void parallel_for(std::size_t n, std::size_t workers, Fn&& fn) {
  workers = worker_count(workers, n);
  if (workers <= 1) {
    if (n > 0) fn(std::size_t{0}, std::size_t{0}, n);
    return;
  }
  const std::size_t step = (n + workers - 1) / workers;
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    const std::size_t begin = std::min(n, w * step);
    const std::size_t end = std::min(n, begin + step);
    threads.emplace_back([&, w, begin, end] {
      try {
        fn(w, begin, end);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

/// Sorts `items` by `less` on up to `workers` threads: each sorts a contiguous part, then the
/// parts are merged. Elements equal under `less` must be identical for the result not to depend
/// on the number of workers (a strict total order on the whole element).
template <class T, class Less>
void parallel_sort(std::vector<T>& items, std::size_t workers, Less less) {
  workers = worker_count(workers, items.size() / 4096 + 1);
  const std::size_t n = items.size();
  const std::size_t step = (n + workers - 1) / workers;
  parallel_for(workers, workers, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t part = begin; part < end; ++part) {
      const auto first = items.begin() + static_cast<std::ptrdiff_t>(std::min(n, part * step));
      const auto last = items.begin() + static_cast<std::ptrdiff_t>(std::min(n, (part + 1) * step));
      std::sort(first, last, less);
    }
  });
  for (std::size_t sorted = step; sorted < n; sorted += step) {
    const auto middle = items.begin() + static_cast<std::ptrdiff_t>(sorted);
    std::inplace_merge(items.begin(), middle,
                       items.begin() + static_cast<std::ptrdiff_t>(std::min(n, sorted + step)),
                       less);
  }
}

}  // namespace crossnews::detail
