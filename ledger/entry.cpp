#include "ledger/entry.h"

#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "crypto/encoding.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fl {
namespace {

Error Malformed(std::string detail) {
  return MakeError(Code::kDataLoss, "corrupt_entry", std::move(detail));
}

// The bytes SkipContainer acts on; everything else is skipped in bulk.
bool Structural(char c) {
  return c == '"' || c == '\\' || c == '{' || c == '}' || c == '[' || c == ']';
}

// Bit k set when s[at + k] is Structural, for the 16 bytes at `at`.
std::uint32_t StructuralMask(const char* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i m = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('{')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('}')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8('[')));
  m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(']')));
  return static_cast<std::uint32_t>(_mm_movemask_epi8(m));
#else
  std::uint32_t m = 0;
  for (int k = 0; k < 16; ++k)
    m |= static_cast<std::uint32_t>(Structural(p[k])) << k;
  return m;
#endif
}

// Returns the end of the JSON object or array starting at `pos`, or npos.
// Tracks strings and escapes only; validity of the contents is the
// signature check's business (verify --signatures). Every entry read by
// verify and replay passes here, and most of an entry is short strings:
// looking at 16 bytes at a time for the six bytes that matter, instead of
// a memchr call per string, took ScanEntry from 13% to 11% of verify
// (perf, issue 10).
std::size_t SkipContainer(std::string_view s, std::size_t pos) {
  int depth = 0;
  bool in_string = false;
  std::size_t next = pos;  // bytes before this were consumed (escapes)
  // Returns true when the container closed at `at`.
  auto step = [&](std::size_t at) {
    if (at < next) return false;  // the character after a backslash
    const char c = s[at];
    next = at + 1;
    if (in_string) {
      if (c == '\\') {
        next = at + 2;
      } else if (c == '"') {
        in_string = false;
      }
      return false;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      return --depth == 0;
    }
    return false;
  };
  std::size_t chunk = pos;
  for (; chunk + 16 <= s.size(); chunk += 16) {
    for (std::uint32_t m = StructuralMask(s.data() + chunk); m != 0;
         m &= m - 1) {
      const std::size_t at =
          chunk + static_cast<std::size_t>(std::countr_zero(m));
      if (step(at)) return at + 1;
    }
  }
  for (std::size_t at = chunk; at < s.size(); ++at) {
    if (Structural(s[at]) && step(at)) return at + 1;
  }
  return std::string_view::npos;
}

bool Expect(std::string_view s, std::size_t& pos, std::string_view lit) {
  if (s.substr(pos, lit.size()) != lit) return false;
  pos += lit.size();
  return true;
}

// A JSON string without escapes (hex, timestamps): up to the next quote.
bool PlainString(std::string_view s, std::size_t& pos, std::string_view* out) {
  std::size_t end = s.find('"', pos);
  if (end == std::string_view::npos) return false;
  std::string_view v = s.substr(pos, end - pos);
  if (v.find('\\') != std::string_view::npos) return false;
  *out = v;
  pos = end + 1;
  return true;
}

}  // namespace

std::string SignedMessage(std::string_view origin,
                          std::string_view canonical_event) {
  std::string m;
  m.reserve(kSignaturePrefix.size() + origin.size() + 1 +
            canonical_event.size());
  m.append(kSignaturePrefix);
  m.append(origin);
  m.push_back('\n');
  m.append(canonical_event);
  return m;
}

std::string BuildEntry(std::uint64_t seq, const Hash& prev,
                       std::string_view recorded_at,
                       std::string_view canonical_event,
                       std::string_view canonical_signature) {
  std::string e;
  e.reserve(canonical_event.size() + canonical_signature.size() + 160);
  e.append("{\"event\":");
  e.append(canonical_event);
  e.append(",\"prev\":\"");
  e.append(HexEncode(AsBytes(prev)));
  e.append("\",\"recorded_at\":\"");
  e.append(recorded_at);
  e.append("\",\"seq\":");
  e.append(std::to_string(seq));
  e.append(",\"signature\":");
  e.append(canonical_signature);
  e.append("}");
  return e;
}

Result<EntryView> ScanEntry(std::string_view s) {
  std::size_t pos = 0;
  if (!Expect(s, pos, kEntryEventPrefix) || pos >= s.size() || s[pos] != '{') {
    return Malformed("entry does not start with the event object");
  }
  const std::size_t end = SkipContainer(s, pos);
  if (end == std::string_view::npos) return Malformed("unterminated event");
  return ScanEntryAfterEvent(s, end);
}

Result<EntryView> ScanEntryAfterEvent(std::string_view s,
                                      std::size_t event_end) {
  const std::size_t begin = kEntryEventPrefix.size();
  if (!s.starts_with(kEntryEventPrefix) || event_end <= begin ||
      event_end > s.size() || s[begin] != '{') {
    return Malformed("entry does not start with the event object");
  }
  EntryView v;
  v.event = s.substr(begin, event_end - begin);
  std::size_t pos = event_end;
  if (!Expect(s, pos, ",\"prev\":\"") || !PlainString(s, pos, &v.prev_hex)) {
    return Malformed("missing prev");
  }
  if (!Expect(s, pos, ",\"recorded_at\":\"") ||
      !PlainString(s, pos, &v.recorded_at)) {
    return Malformed("missing recorded_at");
  }
  if (!Expect(s, pos, ",\"seq\":")) return Malformed("missing seq");
  std::size_t digits = 0;
  std::uint64_t seq = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && digits < 19) {
    seq = seq * 10 + static_cast<std::uint64_t>(s[pos] - '0');
    ++pos;
    ++digits;
  }
  if (digits == 0 || (digits > 1 && s[pos - digits] == '0')) {
    return Malformed("bad seq");
  }
  v.seq = seq;
  if (!Expect(s, pos, ",\"signature\":") || pos >= s.size() || s[pos] != '{') {
    return Malformed("missing signature");
  }
  const std::size_t end = SkipContainer(s, pos);
  if (end == std::string_view::npos) return Malformed("bad signature");
  v.signature = s.substr(pos, end - pos);
  pos = end;
  if (pos + 1 != s.size() || s[pos] != '}') {
    return Malformed("trailing bytes after the entry");
  }
  return v;
}

std::string FormatTimestamp(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

std::string NowTimestamp() {
  return FormatTimestamp(
      std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

}  // namespace fl
