#include "ledger/uscc.h"

namespace fl {
namespace {

// GB 32100-2015: 31 characters, no I, O, Z, S, V.
constexpr std::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Weight of position i is 3^i mod 31.
constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                              29, 25, 13, 8,  24, 10, 30, 28};

int CharValue(char c) {
  auto p = kCharset.find(c);
  return p == std::string_view::npos ? -1 : static_cast<int>(p);
}

}  // namespace

bool IsValidUscc(std::string_view uscc) {
  if (uscc.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int v = CharValue(uscc[i]);
    if (v < 0) return false;
    sum += v * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  return uscc[17] == kCharset[check];
}

}  // namespace fl
