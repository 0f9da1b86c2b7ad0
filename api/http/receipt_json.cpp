#include "api/http/receipt_json.h"

#include <charconv>

#include "crypto/encoding.h"
#include "ledger/canonical_json.h"

namespace fl::http {

void AppendReceiptJson(std::string& out, const Receipt& r,
                       std::optional<bool> witnessed) {
  // Every string here is valid UTF-8: the checkpoint and time are the
  // ledger's own, and the event id passed the strict parser.
  out += "{\"checkpoint\":";
  AppendJsonString(out, r.checkpoint);
  out += ",\"event_id\":";
  AppendJsonString(out, r.event_id);
  out += ",\"leaf_hash\":\"";
  out += HexEncode(AsBytes(r.leaf_hash));
  out += "\",\"recorded_at\":";
  AppendJsonString(out, r.recorded_at);
  out += ",\"seq\":";
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, r.seq).ptr;
  out.append(digits, end);
  if (witnessed)
    out += *witnessed ? ",\"witnessed\":true" : ",\"witnessed\":false";
  out += '}';
}

}  // namespace fl::http
