// Error values for the core. Exceptions are for the edges (CLI, HTTP);
// everything below returns Status or Result<T> so callers must look.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fl {

// One refused operation. `code` is a stable code from API.md (e.g.
// "duplicate_key"), `http_status` the status the HTTP edge answers with,
// `field` a JSON pointer when one field is to blame.
struct Error {
  int http_status = 500;
  std::string code = "internal";
  std::string detail;
  std::string field;
};

inline Error MakeError(int http_status, std::string code, std::string detail,
                       std::string field = {}) {
  return Error{http_status, std::move(code), std::move(detail),
               std::move(field)};
}

inline Error Internal(std::string detail) {
  return MakeError(500, "internal", std::move(detail));
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace fl

// Propagate a failed Status/Result from the current function.
#define FL_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    auto fl_status_ = (expr);                        \
    if (!fl_status_.ok()) return fl_status_.error(); \
  } while (0)
