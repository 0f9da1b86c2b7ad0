// libFuzzer: checkpoint and signed-note parsing, verifier keys and C2SP
// tlog-proof files never crash on any bytes; a note is never accepted as
// signed by a key that did not sign it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/ed25519.h"
#include "crypto/signed_note.h"
#include "ledger/checkpoint.h"
#include "ledger/proof_file.h"

namespace {

const fl::NoteVerifier& Verifier() {
  // A fixed key that signs nothing the fuzzer sees: any note accepted for
  // it would be a forgery.
  static const fl::NoteVerifier v = [] {
    std::array<std::uint8_t, 32> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) {
      seed[i] = static_cast<std::uint8_t>(i * 7 + 1);
    }
    const fl::PrivateKey key = fl::PrivateKey::FromSeed(seed);
    auto parsed = fl::ParseVerifierKey(
        fl::VerifierKeyString("fuzz.example/log", key.public_key()));
    if (!parsed.ok()) std::abort();
    return *parsed;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)fl::ParseVerifierKey(text);
  if (fl::OpenNote(text, Verifier()).ok()) std::abort();
  if (fl::OpenCheckpoint(text, Verifier()).ok()) std::abort();
  auto proof = fl::ParseProofFile(text);
  if (proof.ok()) {
    auto again = fl::ParseProofFile(fl::FormatProofFile(*proof));
    if (!again.ok() || again->index != proof->index ||
        again->proof != proof->proof || again->checkpoint != proof->checkpoint)
      std::abort();
  }
  return 0;
}
