#include "api/console/division_names.h"

#include <algorithm>

namespace fl::console {

extern const char kDivisionTable[];  // division_data.cpp (generated)
extern const std::size_t kDivisionTableSize;
extern const char kDivisionSource[];

namespace {

struct Row {
  std::string_view code, name;
};

// Parsed once: the table is sorted by code, so lookups are binary searches.
const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = [] {
    std::vector<Row> out;
    std::string_view t(kDivisionTable, kDivisionTableSize);
    while (!t.empty()) {
      std::size_t tab = t.find('\t'), nl = t.find('\n');
      if (tab == std::string_view::npos || nl == std::string_view::npos) break;
      out.push_back({t.substr(0, tab), t.substr(tab + 1, nl - tab - 1)});
      t.remove_prefix(nl + 1);
    }
    return out;
  }();
  return rows;
}

}  // namespace

std::string_view DivisionName(std::string_view code) {
  if (code.size() == 12) code = code.substr(0, 9);
  const auto& rows = Rows();
  auto it = std::lower_bound(
      rows.begin(), rows.end(), code,
      [](const Row& r, std::string_view c) { return r.code < c; });
  if (it == rows.end() || it->code != code) return {};
  return it->name;
}

std::string DivisionLabel(std::string_view code) {
  std::string_view name = DivisionName(code);
  if (name.empty()) return std::string(code);
  return std::string(name) + " (" + std::string(code) + ")";
}

std::vector<std::pair<std::string_view, std::string_view>> DivisionsWithPrefix(
    std::string_view prefix) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  const auto& rows = Rows();
  auto it = std::lower_bound(
      rows.begin(), rows.end(), prefix,
      [](const Row& r, std::string_view c) { return r.code < c; });
  for (; it != rows.end() && it->code.starts_with(prefix); ++it) {
    out.emplace_back(it->code, it->name);
  }
  return out;
}

std::string_view DivisionSource() { return kDivisionSource; }

}  // namespace fl::console
