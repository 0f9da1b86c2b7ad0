// Small helpers shared by the subcommands.
#pragma once

#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "crypto/status.h"

namespace fl::cli {

// Turns a core error into the exception the edge prints.
[[noreturn]] inline void Throw(const Error& e) {
  std::string msg = e.reason + ": " + e.detail;
  if (!e.field.empty()) msg += " (at " + e.field + ")";
  throw std::runtime_error(msg);
}

template <class T>
T Take(Result<T> r) {
  if (!r.ok()) Throw(r.error());
  return std::move(r).value();
}

inline void Check(const Status& s) {
  if (!s.ok()) Throw(s.error());
}

// The whole file, bytes as they are.
inline std::string ReadFileOrThrow(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// 1000 connections plus RocksDB's files need more than the usual soft
// limit of 1024 descriptors.
inline void RaiseFileLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace fl::cli
