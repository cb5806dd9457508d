#pragma once
// Splits [0, n) into one contiguous range per worker and runs them on threads. Each result is
// written by index, so the outcome does not depend on the number of workers.

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace crossnews::detail {

template <class Fn>  // Fn(std::size_t worker, std::size_t begin, std::size_t end)
void parallel_for(std::size_t n, std::size_t workers, Fn&& fn) {
  workers = std::max<std::size_t>(1, std::min(workers, n));
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

}  // namespace crossnews::detail
