// One function per subcommand; each gets its arguments parsed against its
// row of the command table and returns the process exit code.
#pragma once

#include "api/cli/cli_args.h"

namespace fl::cli {

int Init(const Args& args);
int Keygen(const Args& args);
int Sign(const Args& args);
int Import(const Args& args);
int Verify(const Args& args);
int Replay(const Args& args);
int Export(const Args& args);
int VerifyBundle(const Args& args);
int ShowCheckpoint(const Args& args);
int ShowEntry(const Args& args);
int Proof(const Args& args);
int VerifyProof(const Args& args);
int Bench(const Args& args);
int BenchHttp(const Args& args);
int BenchProjections(const Args& args);
int Serve(const Args& args);
int Token(const Args& args);
int Append(const Args& args);
int Tiles(const Args& args);       // cmd_tiles.cpp
int WitnessCmd(const Args& args);  // cmd_witness.cpp
int Mirror(const Args& args);      // cmd_mirror.cpp

}  // namespace fl::cli
