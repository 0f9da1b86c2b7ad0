// Error values for the core. Exceptions are for the edges (CLI, HTTP);
// everything below returns Status or Result<T> so callers must look.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fl {

// What kind of refusal an Error is, in the style of absl::StatusCode. The
// core says what went wrong; only the HTTP edge (one table in api/) turns
// (code, reason) into a status number.
enum class Code {
  kInvalidArgument,     // the request itself is bad; retrying will not help
  kUnauthenticated,     // signature or token does not check out
  kPermissionDenied,    // authenticated, but not allowed to do this
  kNotFound,            // the thing asked for does not exist
  kConflict,            // clashes with something already stored
  kFailedPrecondition,  // the system is not in a state that allows this
  kResourceExhausted,   // over a size, count or rate limit
  kUnavailable,         // try again later (store cannot write, lagging)
  kDataLoss,            // stored data is damaged: a row that does not decode
  kInternal,            // a bug or an environment fault with no better name
};

// "invalid_argument", ... for logs and messages.
const char* CodeName(Code code);

// One refused operation. `reason` is the stable code string of API.md (e.g.
// "duplicate_key"), `field` a JSON pointer when one field is to blame.
struct Error {
  Code code = Code::kInternal;
  std::string reason = "internal";
  std::string detail;
  std::string field;
};

inline Error MakeError(Code code, std::string reason, std::string detail,
                       std::string field = {}) {
  return Error{code, std::move(reason), std::move(detail), std::move(field)};
}

inline Error Internal(std::string detail) {
  return MakeError(Code::kInternal, "internal", std::move(detail));
}

// A stored row, entry or file that should decode and does not.
inline Error DataLoss(std::string detail) {
  return MakeError(Code::kDataLoss, "data_loss", std::move(detail));
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
