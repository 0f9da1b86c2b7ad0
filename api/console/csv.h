// CSV exports of the read routes (?format=csv): UTF-8 with a BOM (so Excel
// opens Chinese text right), CRLF rows (RFC 4180), every amount as yuan with
// two decimals beside its fen column, every division code beside its name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ledger/canonical_json.h"

namespace fl::console {

// Whether the route ("/v1/flags") has a CSV form.
bool HasCsv(std::string_view route);

// The CSV of a route's JSON answer, or nothing when the route has no CSV
// form. `route` is the route table's path template ("/v1/flags").
std::optional<std::string> CsvOf(std::string_view route, const Json& body);

// The file name a browser saves it under ("flags.csv").
std::string CsvFileName(std::string_view route);

}  // namespace fl::console
