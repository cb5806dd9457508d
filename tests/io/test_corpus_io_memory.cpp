// The reader's memory for one line, measured by counting every operator new of this test binary
// (the counting only adds up sizes; allocation itself is malloc's).
#include <crossnews/corpus_io.hpp>

#include "io/detail/lines.hpp"
#include "io_test_util.hpp"

#include <doctest/doctest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {

std::atomic<std::size_t> g_live_bytes{0};
std::atomic<std::size_t> g_peak_bytes{0};

void* counted_alloc(std::size_t size) noexcept {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) return nullptr;
  const std::size_t live = g_live_bytes += malloc_usable_size(p);
  std::size_t peak = g_peak_bytes.load();
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live)) {
  }
  return p;
}

void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  g_live_bytes -= malloc_usable_size(p);
  std::free(p);
}

void* counted_alloc_or_throw(std::size_t size) {
  void* p = counted_alloc(size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc_or_throw(size); }
void* operator new[](std::size_t size) { return counted_alloc_or_throw(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_alloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return counted_alloc(size);
}
void operator delete(void* p) noexcept { counted_free(p); }
void operator delete[](void* p) noexcept { counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_free(p); }

TEST_CASE("memory for one line stays within the documented multiple of max_record_bytes") {
  using namespace io_test;
  TempDir dir("io_memory");
  const std::string path = dir.file("heavy.jsonl");
  constexpr std::size_t kElements = std::size_t{9} << 18;  // 4.5 MB of "1,": a value per 2 bytes
  std::string lines = "{\"id\":\"array\",\"junk\":[";
  for (std::size_t i = 0; i < kElements; ++i) lines += "1,";
  lines += "1],\"text\":\"x\"}\n{\"id\":\"text\",\"text\":\"";
  lines.append(kElements * 2, 'x');
  lines += "\"}\n{\"id\":\"small\",\"text\":\"danach\"}\n";
  write_file(path, lines);
  lines = std::string();

  crossnews::ReadOptions options;
  options.max_record_bytes = std::size_t{5} << 20;
  const std::size_t baseline = g_live_bytes.load();
  g_peak_bytes = baseline;
  std::size_t accepted = 0;
  {
    crossnews::ArticleReader reader(path, options);
    std::vector<crossnews::Article> batch;
    while (reader.next(batch, 1)) {
      accepted += batch.size();
      batch.clear();
    }
    CHECK(reader.rejected().empty());
  }
  CHECK(accepted == 3);
  // the bound corpus_io.hpp documents for ReadOptions::max_record_bytes
  const std::size_t bound =
      7 * options.max_record_bytes + crossnews::detail::LineReader::kDefaultBlockBytes;
  const std::size_t used = g_peak_bytes.load() - baseline;
  INFO("peak " << used << " bytes, bound " << bound);
  CHECK(used <= bound);
}
