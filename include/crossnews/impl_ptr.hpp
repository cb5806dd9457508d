#pragma once
// How a public class holds its implementation (the pimpl idiom) without declaring a destructor
// and move operations of its own: a std::unique_ptr whose deleter is made from
// std::make_unique's where the implementation is a complete type (inside the library), and can
// then delete it wherever the class is destroyed or assigned to.

#include <memory>

namespace crossnews::detail {

template <class Impl>
class ImplDeleter {
 public:
  // Implicit: std::make_unique<Impl>(...) converts to an ImplPtr<Impl> through it.
  ImplDeleter(std::default_delete<Impl> /*made with*/) noexcept
      : delete_([](Impl* impl) { delete impl; }) {}
  void operator()(Impl* impl) const noexcept { delete_(impl); }

 private:
  void (*delete_)(Impl*);
};

/// A class's implementation: the class is movable and not copyable, by its implicit members.
template <class Impl>
using ImplPtr = std::unique_ptr<Impl, ImplDeleter<Impl>>;

}  // namespace crossnews::detail
