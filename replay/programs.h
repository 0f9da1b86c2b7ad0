// The program codes of EVENTS.md that rules and projections treat
// specially, named once.
#pragma once

#include <string_view>

namespace fl::replay::programs {

inline constexpr std::string_view kSwsSetup = "SWS.SETUP";
inline constexpr std::string_view kSwsOps = "SWS.OPS";
inline constexpr std::string_view kSwsSupervision = "SWS.SUPERVISION";
inline constexpr std::string_view kSwsEvaluation = "SWS.EVALUATION";
inline constexpr std::string_view kSwsTraining = "SWS.TRAINING";
inline constexpr std::string_view kAssistPurchasedService =
    "ASSIST.PURCHASED_SERVICE";
// Cash benefits to people: outside the R07/R08 service-purchase caps.
inline constexpr std::string_view kAssistBenefit = "ASSIST.BENEFIT";

}  // namespace fl::replay::programs
