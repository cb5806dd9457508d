#pragma once
// The growable byte buffer that holds a document's folded tokens. Unlike std::string it grows
// without zero-filling and hands out writable space past its end, so the tokenizer can store
// sixteen folded bytes at a time and keep only the ones that belong to the token.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace crossnews::detail {

class ByteBuffer {
 public:
  /// Bytes of writable space that tail(n) guarantees beyond the n requested.
  static constexpr std::size_t kSlack = 16;

  [[nodiscard]] char* data() { return data_.get(); }
  [[nodiscard]] const char* data() const { return data_.get(); }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::string_view view(std::size_t begin, std::size_t length) const {
    return {data_.get() + begin, length};
  }

  void clear() { size_ = 0; }
  /// Drops the bytes from `size` on (size <= size()).
  void truncate(std::size_t size) { size_ = size; }

  /// Writable space for n + kSlack bytes at the end; commit() the bytes actually written.
  [[nodiscard]] char* tail(std::size_t n) {
    if (size_ + n + kSlack > capacity_) grow(size_ + n + kSlack);
    return data_.get() + size_;
  }
  void commit(std::size_t n) { size_ += n; }

  void append(const char* bytes, std::size_t n) {
    std::memcpy(tail(n), bytes, n);
    size_ += n;
  }
  void push_back(char c) {
    *tail(1) = c;
    ++size_;
  }

 private:
  void grow(std::size_t needed) {
    const std::size_t capacity = std::max({needed, 2 * capacity_, std::size_t{4096}});
    std::unique_ptr<char[]> grown(new char[capacity]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace crossnews::detail
