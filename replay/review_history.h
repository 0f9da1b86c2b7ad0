// The review history of flags: every flag.reviewed and exception.approved
// entry, noted under the flag it concerns (State::seqs, key "f/" +
// flag_id). The flag fold keeps only the latest status and the first
// approval; the flag page lists them all.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "replay/event.h"
#include "replay/state.h"

namespace fl::replay {

// Called by the projector for every applied event; notes review entries.
// flag.reviewed concerns its `flag_id`; exception.approved the flag of
// (rule, ref) (RULES.md: a flag's id is that of its rule and subject).
void NoteReview(State& s, const Event& e);

// The seqs of the review entries of a flag, ascending.
std::vector<std::uint64_t> ReviewSeqs(const State& s, std::string_view flag_id);

}  // namespace fl::replay
