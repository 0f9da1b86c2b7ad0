#include <cstdio>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "ledger/ledger.h"

namespace fl::cli {

int Init(const Args& args) {
  InitOptions options;
  options.name = args.Required("name");
  options.division = args.Get("division", "000000");
  InitResult r = Take(Ledger::Init(args.Required("data"), options));
  Json out = {{"name", r.info.name},
              {"origin", r.info.origin},
              {"verifier_key", r.info.verifier_key},
              {"admin_agency", r.info.admin_agency},
              {"admin_key_file", r.admin_key_file}};
  std::puts(out.dump(2).c_str());
  return 0;
}

}  // namespace fl::cli
