// The rules in id order. Each lives in its own file.
#include "replay/rules/rule.h"

namespace fl::replay {

extern const Rule kR01, kR02, kR03, kR04, kR05, kR06, kR07, kR08, kR09, kR10,
    kR11, kR12, kR13, kR14, kR15, kR16, kR17, kR18;

const std::vector<Rule>& AllRules() {
  static const std::vector<Rule> kRules = {kR01, kR02, kR03, kR04, kR05, kR06,
                                           kR07, kR08, kR09, kR10, kR11, kR12,
                                           kR13, kR14, kR15, kR16, kR17, kR18};
  return kRules;
}

}  // namespace fl::replay
