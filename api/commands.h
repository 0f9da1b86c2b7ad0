// One function per subcommand; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace fl::cli {

using Argv = std::vector<std::string>;

int Init(const Argv& argv);
int Keygen(const Argv& argv);
int Sign(const Argv& argv);
int Import(const Argv& argv);
int Verify(const Argv& argv);
int Replay(const Argv& argv);
int Export(const Argv& argv);
int VerifyBundle(const Argv& argv);
int ShowCheckpoint(const Argv& argv);
int ShowEntry(const Argv& argv);
int Proof(const Argv& argv);
int Bench(const Argv& argv);
int BenchHttp(const Argv& argv);
int BenchProjections(const Argv& argv);
int Serve(const Argv& argv);
int Token(const Argv& argv);
int Append(const Argv& argv);
int Tiles(const Argv& argv);  // api/transparency/cmd_tiles.cpp

}  // namespace fl::cli
