// keygen and sign: what an agency needs to take part without a server.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "api/cli_args.h"
#include "api/cli_util.h"
#include "api/commands.h"
#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/canonical_json.h"
#include "ledger/envelope.h"

namespace fl::cli {

int Keygen(const Argv& argv) {
  Args args(argv, {"out"}, {});
  std::string path = args.Required("out");
  PrivateKey key = PrivateKey::Generate();
  Check(WritePrivateKeyFile(path, key));
  Json out = {{"public_key", Base64Encode(AsBytes(key.public_key()))},
              {"key_id", KeyId(key.public_key())},
              {"file", path}};
  std::puts(out.dump().c_str());
  return 0;
}

int Sign(const Argv& argv) {
  Args args(argv, {"key"}, {});
  PrivateKey key = Take(ReadPrivateKeyFile(args.Required("key")));
  std::string input((std::istreambuf_iterator<char>(std::cin)),
                    std::istreambuf_iterator<char>());
  Json event = Take(ParseStrict(input));
  if (!event.is_object()) throw std::runtime_error("stdin is not an event object");
  Json envelope = SignEnvelope(event, key);
  std::puts(Canonicalize(envelope).c_str());
  return 0;
}

}  // namespace fl::cli
