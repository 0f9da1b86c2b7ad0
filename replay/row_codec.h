// The projection store's rows (projection_store.h) in a compact binary
// form: a row's members in a fixed order, integers as varints (signed ones
// zigzagged), strings and lists as a length and their contents. The store
// used CBOR of each row's JSON form; loading 1M entries' rows through
// nlohmann's DOM (a std::map per row, every member name compared) was
// most of a restart (docs/PERFORMANCE.md), and encoding the same rows was
// most of what the worker spent committing beside appends.
//
// The member lists are written once (row_codec.cpp) and serve both
// directions, so the encoder and the decoder cannot drift apart. A layout
// change bumps the store's layout name, which rebuilds older stores.
#pragma once

#include <string>
#include <string_view>

#include "replay/state.h"

namespace fl::replay {

// The bytes of `row`. Defined for each row type of State's tables, and
// for the day histories' StoredDay rows (day_history.h).
template <class Row>
std::string EncodeRow(const Row& row);

// Fills `row` from `bytes`, which must be exactly one encoded Row: false
// (and `row` unspecified) when they are cut short, run on past the row,
// or hold a bool, count or JSON value no encoder writes. A Payment's
// strings are copied into `pool` (its members are views, and `bytes` does
// not outlive the call); other rows ignore it.
template <class Row>
bool DecodeRow(std::string_view bytes, StringPool& pool, Row& row);

}  // namespace fl::replay
