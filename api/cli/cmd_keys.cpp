// keygen and sign: what an agency needs to take part without a server.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/canonical_json.h"
#include "ledger/envelope.h"
#include "ledger/ledger.h"

namespace fl::cli {

int Keygen(const Args& args) {
  std::string path = args.Required("out");
  PrivateKey key = PrivateKey::Generate();
  Check(WritePrivateKeyFile(path, key));
  Json out = {{"public_key", Base64Encode(AsBytes(key.public_key()))},
              {"key_id", KeyId(key.public_key())},
              {"file", path}};
  std::puts(out.dump().c_str());
  return 0;
}

int Sign(const Args& args) {
  PrivateKey key = Take(ReadPrivateKeyFile(args.Required("key")));
  // The signature binds the ledger's origin (LEDGER.md 2, amended 2026-12):
  // "fundledger/<name>", as `init` and GET /v1/ledger print it.
  const std::string origin = args.Required("origin");
  auto sign_one = [&](std::string_view text) {
    Json event = Take(ParseStrict(text));
    if (!event.is_object()) {
      throw std::runtime_error("input is not an event object");
    }
    std::puts(Canonicalize(SignEnvelope(event, key, origin)).c_str());
  };
  if (!args.Has("lines")) {
    std::string input((std::istreambuf_iterator<char>(std::cin)),
                      std::istreambuf_iterator<char>());
    sign_one(input);
    return 0;
  }
  // --lines: one event per line in, one envelope per line out (JSONL).
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    sign_one(line);
  }
  return 0;
}

int ShowCheckpoint(const Args& args) {
  auto ledger = Take(Ledger::Open(args.Required("data")));
  std::fputs(ledger->LatestCheckpoint().c_str(), stdout);
  return 0;
}

}  // namespace fl::cli
