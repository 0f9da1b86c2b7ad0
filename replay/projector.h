// Folds log entries into the projections, in seq order, running each
// rule's act checks first. Pure: the same entries give the same State.
#pragma once

#include "replay/event.h"
#include "replay/state.h"

namespace fl::replay {

// Applies one entry (its seq must be state.next_seq). Events whose
// occurred_at date is after state.filter_as_of advance next_seq only.
void Apply(State& state, const Event& event);

}  // namespace fl::replay
