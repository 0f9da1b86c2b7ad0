// RULES.md "Subject and id": one flag per (rule, subject), named by the
// first 16 lowercase hex chars of SHA-256("<rule>|<subject>"). The ledger
// checks `flag.reviewed.flag_id` with it (EVENTS.md, amended 2026-12) and
// the projections name their flags with it, so both always agree.
#pragma once

#include <string>
#include <string_view>

namespace fl {

std::string FlagId(std::string_view rule, std::string_view subject);

}  // namespace fl
