// Commands that wipe a scratch directory (`replay --scratch`, `bench
// --dir`, `bench-http --dir`, `bench-projections --scratch`) touch only a
// directory that is theirs: new, empty, or marked by an earlier run. Given
// a ledger's data directory or anyone's files they refuse, and the
// directory is byte-for-byte unchanged.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "binary_process.h"
#include "test_util.h"
#include "test_world.h"

using fl::test::RunBinary;
using fl::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Every file under `dir` (relative path -> bytes), directories included.
std::map<std::string, std::string> Tree(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    out[rel] = e.is_regular_file() ? fl::test::ReadFile(e.path()) : "<dir>";
  }
  return out;
}

constexpr const char* kMarker = ".fundledger-scratch";

}  // namespace

TEST_CASE("scratch commands refuse a ledger's data directory, changing nothing",
          "[cli][scratch]") {
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  const std::string dir = world.dir();
  world.Close();  // as a ledger at rest; the commands open it themselves
  TempDir out;
  const auto before = Tree(dir);
  REQUIRE(before.size() > 5);

  const std::vector<std::string> commands = {
      "replay --data " + dir + " --scratch " + dir + " --out " + out.str() +
          "/r.json",
      "bench-http --dir " + dir + " --events 100 --seconds 1",
      "bench --dir " + dir + " --appends 10 --only append",
      "bench-projections --data " + dir + " --scratch " + dir,
  };
  for (const auto& args : commands) {
    INFO(args);
    auto r = RunBinary(args);
    CHECK(r.status == 2);
    CHECK(r.err.find("was not made by fundledger") != std::string::npos);
    CHECK(Tree(dir) == before);
  }
  CHECK(!fs::exists(dir + "/" + kMarker));
  // The ledger still verifies.
  CHECK(RunBinary("verify --data " + dir).status == 0);
}

TEST_CASE("scratch commands refuse a foreign directory and a file",
          "[cli][scratch]") {
  fl::test::World world;
  TempDir home;
  const std::string mine = home.str() + "/notes";
  fs::create_directories(mine + "/sub");
  std::ofstream(mine + "/todo.txt") << "do not delete\n";
  std::ofstream(mine + "/sub/x") << "x\n";
  std::ofstream(home.str() + "/file") << "a file\n";
  const auto before = Tree(home.str());
  TempDir out;
  for (const std::string& target : {mine, home.str() + "/file"}) {
    auto r = RunBinary("replay --data " + world.dir() + " --scratch " + target +
                       " --out " + out.str() + "/r.json");
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(Tree(home.str()) == before);
  }
}

TEST_CASE("replay --scratch takes a new, an empty or its own directory",
          "[cli][scratch]") {
  fl::test::World world;
  world.AddAgency("cz-530000", "finance", "530000");
  world.Close();
  TempDir tmp;
  const std::string fresh = tmp.str() + "/fresh";
  const std::string empty = tmp.str() + "/empty";
  fs::create_directories(empty);
  for (const std::string& scratch : {fresh, empty, fresh}) {
    auto r = RunBinary("replay --quiet --data " + world.dir() + " --scratch " +
                       scratch + " --out " + tmp.str() + "/r.json");
    INFO(scratch << ": " << r.err);
    CHECK(r.status == 0);
    CHECK(fs::exists(scratch + "/" + kMarker));
    CHECK(fs::exists(scratch + "/projections"));
  }
}
