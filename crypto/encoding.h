// Hex and base64 as the spec uses them: lowercase hex, standard base64
// with padding. Decoders are strict: they refuse anything non-canonical.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fl {

std::string HexEncode(std::string_view bytes);
// Lowercase hex only; odd length or other characters give nullopt.
std::optional<std::string> HexDecode(std::string_view hex);

std::string Base64Encode(std::string_view bytes);
// Standard alphabet, '=' padding required, no whitespace, canonical
// trailing bits (re-encoding gives the same text).
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace fl
