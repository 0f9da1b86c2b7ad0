#include "ledger/flag_id.h"

#include "crypto/encoding.h"
#include "crypto/sha256.h"

namespace fl {

std::string FlagId(std::string_view rule, std::string_view subject) {
  std::string in;
  in.reserve(rule.size() + 1 + subject.size());
  in.append(rule).append("|").append(subject);
  Hash h = Sha256(in);
  return HexEncode(AsBytes(h)).substr(0, 16);
}

}  // namespace fl
