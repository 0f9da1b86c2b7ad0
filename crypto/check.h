// FL_CHECK: an invariant that holds unless the program itself is wrong.
// It runs in every build, release included: an audit ledger that carries on
// with a broken invariant would write wrong history, which is worse than
// stopping. Bad input is never an FL_CHECK; it is an Error.
#pragma once

#include <sstream>
#include <string>

namespace fl::check_detail {

// Writes "FL_CHECK failed at file:line: cond (context)" to stderr and aborts.
[[noreturn]] void Fail(const char* file, int line, const char* condition,
                       const std::string& context);

inline void Append(std::ostringstream&) {}
template <class T, class... Rest>
void Append(std::ostringstream& out, const T& first, const Rest&... rest) {
  out << first;
  Append(out, rest...);
}

template <class... Parts>
std::string Context(const Parts&... parts) {
  std::ostringstream out;
  Append(out, parts...);
  return out.str();
}

}  // namespace fl::check_detail

// FL_CHECK(a == b, "seq ", a, " after ", b): the context parts are streamed
// only when the check fails.
#define FL_CHECK(cond, ...)                                               \
  do {                                                                    \
    if (!(cond)) [[unlikely]] {                                           \
      ::fl::check_detail::Fail(__FILE__, __LINE__, #cond,                 \
                               ::fl::check_detail::Context(__VA_ARGS__)); \
    }                                                                     \
  } while (0)
