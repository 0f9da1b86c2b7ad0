#include "replay/doc.h"

#include <bit>
#include <cstring>

#include "ledger/json_text.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fl::replay {
namespace {

constexpr int kMaxDepth = 64;

// Bit k set when p[k] is a quote or a backslash, for the 16 bytes at p.
std::uint32_t QuoteOrBackslash(const char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i m = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(m));
#else
  std::uint32_t m = 0;
  for (int k = 0; k < 16; ++k)
    m |= static_cast<std::uint32_t>(p[k] == '"' || p[k] == '\\') << k;
  return m;
#endif
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool Doc::Parse(std::string_view text) {
  std::size_t pos = 0;
  if (!ParseValueAt(text, 0, &pos)) return false;
  while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\n')) ++pos;
  return pos == text_.size();
}

bool Doc::ParseValueAt(std::string_view text, std::size_t at,
                       std::size_t* end) {
  text_.assign(text);
  nodes_.clear();
  // About one node per 12 bytes of canonical event text: one allocation
  // instead of a doubling series (reused when the Doc is parsed again).
  nodes_.reserve(text.size() / 12 + 8);
  unescaped_.clear();
  std::size_t pos = at;
  if (!ParseValue(pos, 0)) {
    nodes_.clear();  // root() is absent after a failed parse
    return false;
  }
  *end = pos;
  return true;
}

bool Doc::ParseString(std::size_t& pos, std::uint32_t* off, std::uint32_t* len,
                      bool* escaped) {
  // pos is at the opening quote. Most strings of an event are short and
  // plain: the first quote or backslash after it, 16 bytes at a time,
  // settles those (a memchr call for each and a second one for escapes
  // were ~8% of a replay).
  const std::size_t start = ++pos;
  const char* const d = text_.data();
  const std::size_t n = text_.size();
  std::size_t first = n;
  std::size_t scan = start;
  for (; scan + 16 <= n && first == n; scan += 16) {
    if (const std::uint32_t m = QuoteOrBackslash(d + scan); m != 0)
      first = scan + static_cast<std::size_t>(std::countr_zero(m));
  }
  for (; scan < n && first == n; ++scan) {
    if (d[scan] == '"' || d[scan] == '\\') first = scan;
  }
  if (first == n) return false;
  if (d[first] == '"') {
    pos = first + 1;
    *escaped = false;
    *off = static_cast<std::uint32_t>(start);
    *len = static_cast<std::uint32_t>(first - start);
    return true;
  }
  // An escape: the closing quote is the first one preceded by an even
  // number of backslashes.
  std::size_t stop = std::string::npos;
  for (std::size_t from = start; from < text_.size();) {
    const void* q = std::memchr(text_.data() + from, '"', text_.size() - from);
    if (q == nullptr) break;
    const std::size_t k =
        static_cast<std::size_t>(static_cast<const char*>(q) - text_.data());
    std::size_t backslashes = 0;
    while (k - backslashes > start && text_[k - backslashes - 1] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0) {
      stop = k;
      break;
    }
    from = k + 1;
  }
  if (stop == std::string::npos) return false;
  pos = stop + 1;
  const bool esc =
      std::memchr(text_.data() + start, '\\', stop - start) != nullptr;
  *escaped = esc;
  if (!esc) {
    *off = static_cast<std::uint32_t>(start);
    *len = static_cast<std::uint32_t>(stop - start);
    return true;
  }
  std::string out;
  for (std::size_t i = start; i < stop; ++i) {
    char c = text_[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = text_[++i];
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        auto quad = [&](std::size_t at, std::uint32_t* v) {
          if (at + 4 > stop) return false;
          *v = 0;
          for (std::size_t k = at; k < at + 4; ++k) {
            int h = Hex(text_[k]);
            if (h < 0) return false;
            *v = (*v << 4) | static_cast<std::uint32_t>(h);
          }
          return true;
        };
        std::uint32_t cp = 0;
        if (!quad(i + 1, &cp)) return false;
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 2 < stop &&
            text_[i + 1] == '\\' && text_[i + 2] == 'u') {
          std::uint32_t lo = 0;
          if (quad(i + 3, &lo) && lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        AppendUtf8(out, cp);
        break;
      }
      default:
        return false;
    }
  }
  *off = static_cast<std::uint32_t>(unescaped_.size());
  *len = 0;
  unescaped_.push_back(std::move(out));
  return true;
}

bool Doc::ParseValue(std::size_t& pos, int depth) {
  if (depth > kMaxDepth || pos >= text_.size()) return false;
  const std::size_t me = nodes_.size();
  nodes_.emplace_back();
  char c = text_[pos];
  if (c == '{' || c == '[') {
    const bool object = c == '{';
    nodes_[me].kind = object ? kObject : kArray;
    ++pos;
    if (pos < text_.size() && text_[pos] == (object ? '}' : ']')) {
      ++pos;
    } else {
      for (;;) {
        std::uint32_t koff = 0, klen = 0;
        bool kesc = false;
        if (object) {
          if (pos >= text_.size() || text_[pos] != '"') return false;
          if (!ParseString(pos, &koff, &klen, &kesc)) return false;
          if (pos >= text_.size() || text_[pos] != ':') return false;
          ++pos;
        }
        const std::size_t child = nodes_.size();
        if (!ParseValue(pos, depth + 1)) return false;
        nodes_[child].key_off = koff;
        nodes_[child].key_len = klen;
        nodes_[child].escaped_key = kesc;
        if (pos >= text_.size()) return false;
        if (text_[pos] == ',') {
          ++pos;
          continue;
        }
        if (text_[pos] != (object ? '}' : ']')) return false;
        ++pos;
        break;
      }
    }
  } else if (c == '"') {
    nodes_[me].kind = kString;
    std::uint32_t off = 0, len = 0;
    bool esc = false;
    if (!ParseString(pos, &off, &len, &esc)) return false;
    nodes_[me].off = off;
    nodes_[me].len = len;
    nodes_[me].escaped_str = esc;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    bool neg = c == '-';
    if (neg) ++pos;
    std::int64_t v = 0;
    std::size_t digits = 0;
    while (pos < text_.size() && text_[pos] >= '0' && text_[pos] <= '9') {
      if (v > (INT64_MAX - 9) / 10) return false;
      v = v * 10 + (text_[pos++] - '0');
      ++digits;
    }
    if (digits == 0) return false;
    if (pos < text_.size() &&
        (text_[pos] == '.' || text_[pos] == 'e' || text_[pos] == 'E'))
      return false;  // the integer-only profile (LEDGER.md 1)
    nodes_[me].kind = kInt;
    nodes_[me].num = neg ? -v : v;
  } else if (text_.compare(pos, 4, "true") == 0) {
    nodes_[me].kind = kBool;
    nodes_[me].num = 1;
    pos += 4;
  } else if (text_.compare(pos, 5, "false") == 0) {
    nodes_[me].kind = kBool;
    pos += 5;
  } else if (text_.compare(pos, 4, "null") == 0) {
    pos += 4;
  } else {
    return false;
  }
  nodes_[me].end = static_cast<std::uint32_t>(nodes_.size());
  return true;
}

std::string_view Doc::Slice(std::uint32_t off, std::uint32_t len,
                            bool escaped) const {
  if (escaped) return unescaped_[off];
  return std::string_view(text_).substr(off, len);
}

bool Value::is_object() const {
  return doc_ && doc_->nodes_[index_].kind == Doc::kObject;
}
bool Value::is_array() const {
  return doc_ && doc_->nodes_[index_].kind == Doc::kArray;
}
bool Value::is_string() const {
  return doc_ && doc_->nodes_[index_].kind == Doc::kString;
}
bool Value::is_int() const {
  return doc_ && doc_->nodes_[index_].kind == Doc::kInt;
}
bool Value::is_bool() const {
  return doc_ && doc_->nodes_[index_].kind == Doc::kBool;
}

std::string_view Value::str() const {
  if (!is_string()) return {};
  const auto& n = doc_->nodes_[index_];
  return doc_->Slice(n.off, n.len, n.escaped_str);
}
std::string_view Value::key() const {
  if (!doc_) return {};
  const auto& n = doc_->nodes_[index_];
  return doc_->Slice(n.key_off, n.key_len, n.escaped_key);
}
std::int64_t Value::num() const {
  return is_int() ? doc_->nodes_[index_].num : 0;
}
bool Value::boolean() const {
  return is_bool() && doc_->nodes_[index_].num != 0;
}

Value Value::operator[](std::string_view key) const {
  if (!is_object()) return {};
  for (Value child : *this) {
    const auto& n = doc_->nodes_[child.index_];
    if (n.escaped_key) {
      if (doc_->Slice(n.key_off, n.key_len, true) == key) return child;
      continue;
    }
    // Cheap misses first: many member names share a length ("amount_fen",
    // "payee_uscc"), and a call to memcmp per such name was ~6% of a
    // replay.
    if (n.key_len != key.size()) continue;
    const char* name = doc_->text_.data() + n.key_off;
    if (key.empty() ||
        (name[0] == key[0] && std::memcmp(name, key.data(), key.size()) == 0))
      return child;
  }
  return {};
}

Value::Iterator& Value::Iterator::operator++() {
  index_ = doc_->nodes_[index_].end;
  return *this;
}

Value::Iterator Value::begin() const {
  if (!is_object() && !is_array()) return end();
  return Iterator(doc_, index_ + 1);
}
Value::Iterator Value::end() const {
  if (!doc_) return Iterator(nullptr, 0);
  return Iterator(doc_, doc_->nodes_[index_].end);
}

Json Value::ToJson() const {
  if (!doc_) return nullptr;
  const auto& n = doc_->nodes_[index_];
  switch (n.kind) {
    case Doc::kNull:
      return nullptr;
    case Doc::kBool:
      return n.num != 0;
    case Doc::kInt:
      return n.num;
    case Doc::kString:
      return std::string(str());
    case Doc::kArray: {
      Json a = Json::array();
      for (Value v : *this) a.push_back(v.ToJson());
      return a;
    }
    case Doc::kObject: {
      Json o = Json::object();
      for (Value v : *this) {
        const auto& c = doc_->nodes_[v.index_];
        o[std::string(doc_->Slice(c.key_off, c.key_len, c.escaped_key))] =
            v.ToJson();
      }
      return o;
    }
  }
  return nullptr;
}

}  // namespace fl::replay
