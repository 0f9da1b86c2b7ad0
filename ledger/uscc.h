// Unified social credit codes (GB 32100-2015).
#pragma once

#include <string_view>

namespace fl {

// 18 characters from the code's charset with a correct check character.
bool IsValidUscc(std::string_view uscc);

}  // namespace fl
