#include "ledger/json_text.h"

namespace fl {

int Utf8SequenceLength(const char* p, const char* end) {
  const auto at = [&](int k) -> unsigned {
    return p + k < end ? static_cast<unsigned char>(p[k]) : 0u;
  };
  const unsigned c = at(0);
  int n;
  unsigned lo = 0x80, hi = 0xbf;  // range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (at(1) < lo || at(1) > hi) return 0;
  for (int k = 2; k < n; ++k) {
    if ((at(k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

void AppendPointerToken(std::string& out, std::string_view token) {
  out += '/';
  // The schema checks call this for every field of every event: the runs
  // between escapes (nearly always the whole token) go in with one append
  // each, not a push per character (callgrind, docs/PERFORMANCE.md).
  std::size_t run = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '~' && token[i] != '/') continue;
    out.append(token.substr(run, i - run));
    out += token[i] == '~' ? "~0" : "~1";
    run = i + 1;
  }
  out.append(token.substr(run));
}

}  // namespace fl
