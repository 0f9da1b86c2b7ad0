// `fundledger import` prepares the next round of lines while the current
// one is appended; a bad line must still stop it at that line, with every
// line before it stored and nothing after.
#include <catch2/catch.hpp>
#include <fstream>

#include "binary_process.h"
#include "test_world.h"

namespace {

fl::Json Budget(const fl::test::World& w, int i) {
  const std::string n = std::to_string(i);
  return w.Envelope("b-" + n, "budget.appropriated", "cz-530000",
                    {{"allocation_id", "lot-" + n},
                     {"fiscal_year", 2024},
                     {"fund", "lottery.provincial"},
                     {"division_code", "530000"},
                     {"program", "SWS.OPS"},
                     {"amount_fen", 1000 + i},
                     {"doc_no", "云财社〔2024〕" + n + "号"}});
}

}  // namespace

TEST_CASE(
    "import over several rounds stops at a bad line, storing those before",
    "[cli]") {
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  const std::uint64_t before = w.ledger().TreeSize();
  w.Close();
  fl::test::TempDir tmp;
  const std::string good = tmp.str() + "/good.jsonl";
  const std::string bad = tmp.str() + "/bad.jsonl";
  {
    std::ofstream g(good), b(bad);
    for (int i = 0; i < 3000; ++i) {
      const std::string line = Budget(w, i).dump();
      b << (i == 2100 ? std::string("{\"event\": not json") : line) << '\n';
      if (i < 2100) g << line << '\n';
    }
  }
  // Line 2101 lies in the third round of 1024: the fourth is being
  // prepared when the third is refused.
  auto r = fl::test::RunBinary("import --data " + w.dir() + " " + bad);
  INFO(r.err);
  CHECK(r.status == 1);
  CHECK(r.err.find("line 2101: ") != std::string::npos);
  CHECK(r.err.find("2100 entries appended before it") != std::string::npos);
  auto v = fl::test::RunBinary("verify --data " + w.dir());
  CHECK(v.status == 0);
  CHECK(v.out.find("\"entries\":" + std::to_string(before + 2100)) !=
        std::string::npos);
  // The same 2100 lines again are all repeats: nothing new is stored.
  auto again = fl::test::RunBinary("import --data " + w.dir() + " " + good);
  CHECK(again.status == 0);
  CHECK(again.out.find("\"appended\":0,\"repeats\":2100") != std::string::npos);
}
