#include "replay/review_history.h"

#include <algorithm>
#include <string>

#include "replay/flags.h"
#include "replay/rules/rule.h"

namespace fl::replay {
namespace {

std::string Key(std::string_view flag_id) {
  std::string key = "f/";
  key.append(flag_id);
  return key;
}

}  // namespace

void NoteReview(State& s, const Event& e) {
  if (e.type == "flag.reviewed") {
    s.seqs.Add(Key(Str(e.data(), "flag_id")), std::to_string(e.seq));
  } else if (e.type == "exception.approved") {
    const Value d = e.data();
    s.seqs.Add(Key(FlagId(Str(d, "rule"), Str(d, "ref"))),
               std::to_string(e.seq));
  }
}

std::vector<std::uint64_t> ReviewSeqs(const State& s,
                                      std::string_view flag_id) {
  std::vector<std::uint64_t> out;
  for (const auto& v : s.seqs.Get(Key(flag_id))) out.push_back(ParseSeq(v));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace fl::replay
