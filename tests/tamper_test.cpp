// An insider with database access rewrites, deletes or swaps stored
// entries through RocksDB itself; `fundledger verify` must name the seq.
#include <rocksdb/db.h>
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <random>

#include "crypto/encoding.h"
#include "ledger/store.h"
#include "test_world.h"

using fl::Json;

namespace {

struct Outcome {
  int exit_code;
  std::string output;
};

Outcome Run(const std::string& cmd) {
  Outcome o{-1, {}};
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    o.output.append(buf.data(), n);
  }
  int status = ::pclose(p);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

Outcome Verify(const std::string& dir, bool signatures = false) {
  return Run(std::string(FL_BINARY) + " verify --data " + dir +
             (signatures ? " --signatures" : ""));
}

// Raw RocksDB access to the entries family, as `ldb` would give.
class Insider {
 public:
  explicit Insider(const std::string& dir) {
    auto s = fl::Store::Open(dir, fl::Store::Mode::kReadWrite);
    REQUIRE(s.ok());
    store_ = std::move(*s);
  }
  std::string Get(std::uint64_t seq) {
    std::string v;
    REQUIRE(
        store_->db()
            ->Get({}, store_->cf(fl::Store::kEntries), fl::EncodeSeq(seq), &v)
            .ok());
    return v;
  }
  void Put(std::uint64_t seq, const std::string& v) {
    REQUIRE(
        store_->db()
            ->Put({}, store_->cf(fl::Store::kEntries), fl::EncodeSeq(seq), v)
            .ok());
  }
  void Delete(std::uint64_t seq) {
    REQUIRE(
        store_->db()
            ->Delete({}, store_->cf(fl::Store::kEntries), fl::EncodeSeq(seq))
            .ok());
  }

 private:
  std::unique_ptr<fl::Store> store_;
};

// A closed ledger of 40 entries, copied fresh for each tamper.
struct Built {
  fl::test::TempDir tmp;
  std::string dir;
  std::uint64_t size = 0;
  explicit Built(fl::test::World& w) {
    w.AddAgency("cz-530000", "finance", "530000");
    for (int i = 0; i < 36; ++i) {
      w.MustAppend(w.Envelope(
          "b-" + std::to_string(i), "budget.appropriated", "cz-530000",
          {{"allocation_id", "lot-" + std::to_string(i)},
           {"fiscal_year", 2024},
           {"fund", "lottery.provincial"},
           {"division_code", "530000"},
           {"program", "SWS.OPS"},
           {"amount_fen", 1000 + i},
           {"doc_no", "云财社〔2024〕" + std::to_string(i) + "号"}}));
    }
    size = w.ledger().TreeSize();
    w.Close();
    dir = w.dir();
  }
  std::string Copy() {
    std::string to = tmp.str() + "/copy";
    std::filesystem::remove_all(to);
    std::filesystem::copy(dir, to, std::filesystem::copy_options::recursive);
    return to;
  }
};

}  // namespace

TEST_CASE("verify passes on an untouched ledger, with and without signatures",
          "[tamper]") {
  fl::test::World w;
  Built b(w);
  auto plain = Verify(b.dir);
  CHECK(plain.exit_code == 0);
  auto sigs = Verify(b.dir, true);
  CHECK(sigs.exit_code == 0);
  CHECK(sigs.output.find("\"ok\":true") != std::string::npos);
}

TEST_CASE("changing any one byte of a stored entry names that seq",
          "[tamper]") {
  fl::test::World w;
  Built b(w);
  std::mt19937 rng(20241123);
  for (std::uint64_t seq :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{17}, b.size - 1}) {
    for (int round = 0; round < 4; ++round) {
      std::string dir = b.Copy();
      std::size_t pos;
      {
        Insider insider(dir);
        std::string v = insider.Get(seq);
        pos = std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng);
        v[pos] = static_cast<char>(v[pos] ^ (1 + rng() % 255));
        insider.Put(seq, v);
      }
      INFO("seq " << seq << " byte " << pos);
      auto o = Verify(dir);
      CHECK(o.exit_code == 1);
      CHECK(o.output.find("seq " + std::to_string(seq) + ":") !=
            std::string::npos);
    }
  }
}

// verify --signatures checks signatures on every core, in batches; the
// answer must still be the lowest bad seq, whichever batch finds it first.
TEST_CASE("verify --signatures names the first forged signature of many",
          "[tamper]") {
  fl::test::World w;
  w.AddAgency("cz-530000", "finance", "530000");
  w.Close();
  // A ledger that does not check signatures stores forged ones, as an
  // insider writing through the library could.
  fl::LedgerOptions trusting;
  trusting.check_signatures = false;
  auto ledger = fl::Ledger::Open(w.dir(), trusting);
  REQUIRE(ledger.ok());
  std::vector<std::uint64_t> forged;
  for (int i = 0; i < 900; ++i) {
    Json env =
        w.Envelope("b-" + std::to_string(i), "budget.appropriated", "cz-530000",
                   {{"allocation_id", "lot-" + std::to_string(i)},
                    {"fiscal_year", 2024},
                    {"fund", "lottery.provincial"},
                    {"division_code", "530000"},
                    {"program", "SWS.OPS"},
                    {"amount_fen", 1000 + i},
                    {"doc_no", "云财社〔2024〕" + std::to_string(i) + "号"}});
    const bool forge = i == 333 || i == 334 || i == 700;
    if (forge) {
      auto sig = fl::Base64Decode(env["signature"]["sig"].get<std::string>());
      REQUIRE(sig);
      (*sig)[10] = static_cast<char>((*sig)[10] ^ 0x40);
      env["signature"]["sig"] = fl::Base64Encode(*sig);
    }
    auto r = (*ledger)->AppendOne((*ledger)->PrepareParsed(env));
    REQUIRE(r.ok());
    if (forge) forged.push_back(r.receipts[0].seq);
  }
  ledger->reset();
  CHECK(Verify(w.dir()).exit_code == 0);  // chain and tree are intact
  auto o = Verify(w.dir(), true);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK(o.output.find("seq " + std::to_string(forged[0]) +
                      ": signature does not verify") != std::string::npos);
}

TEST_CASE("deleting an entry names its seq", "[tamper]") {
  fl::test::World w;
  Built b(w);
  for (std::uint64_t seq : {std::uint64_t{0}, std::uint64_t{9}, b.size - 1}) {
    std::string dir = b.Copy();
    Insider(dir).Delete(seq);
    auto o = Verify(dir);
    INFO(o.output);
    CHECK(o.exit_code == 1);
    CHECK(o.output.find("seq " + std::to_string(seq) + ":") !=
          std::string::npos);
  }
}

TEST_CASE("swapping two entries names the first of them", "[tamper]") {
  fl::test::World w;
  Built b(w);
  std::string dir = b.Copy();
  {
    Insider insider(dir);
    std::string a = insider.Get(5), c = insider.Get(6);
    insider.Put(5, c);
    insider.Put(6, a);
  }
  auto o = Verify(dir);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK(o.output.find("seq 5:") != std::string::npos);
}

TEST_CASE("a value rewritten with Debian's ldb tool is caught", "[tamper]") {
  if (Run("command -v ldb").exit_code != 0) {
    FAIL(
        "ldb (Debian rocksdb-tools) is not installed; scripts/setup.sh "
        "installs it");
  }
  fl::test::World w;
  Built b(w);
  std::string dir = b.Copy();
  std::string value;
  {
    Insider insider(dir);
    value = insider.Get(12);
  }
  // Raise an amount by rewriting its leading digit (1010 -> 9010), the
  // quiet edit an insider would want.
  auto at = value.find("\"amount_fen\":1");
  REQUIRE(at != std::string::npos);
  value[at + 13] = '9';
  std::string hex;
  for (unsigned char ch : value) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02X", ch);
    hex += buf;
  }
  auto put =
      Run("ldb --db=" + dir + "/db --column_family=entries --hex put 0x" +
          std::string("000000000000000C") + " 0x" + hex);
  INFO(put.output);
  REQUIRE(put.exit_code == 0);
  auto o = Verify(dir);
  INFO(o.output);
  CHECK(o.exit_code == 1);
  CHECK(o.output.find("seq 12:") != std::string::npos);
}

TEST_CASE("replay stops at a damaged or missing entry and writes nothing",
          "[tamper]") {
  fl::test::World w;
  Built b(w);
  const std::uint64_t seq = 9;
  const std::string damaged[] = {"cut", "not json", "deleted"};
  for (const std::string& how : damaged) {
    INFO(how);
    std::string dir = b.Copy();
    Insider insider(dir);
    const std::string v = insider.Get(seq);
    if (how == "cut") {
      insider.Put(seq, v.substr(0, v.find(",\"prev\":")));
    } else if (how == "not json") {
      insider.Put(seq, "{\"event\":{\"type\":" + v.substr(30));
    } else {
      insider.Delete(seq);
    }
    const std::string out = b.tmp.str() + "/replay.json";
    std::filesystem::remove(out);
    auto o =
        Run(std::string(FL_BINARY) + " replay --data " + dir + " --out " + out);
    INFO(o.output);
    CHECK(o.exit_code != 0);
    CHECK(!std::filesystem::exists(out));
    // "entry 9: missing prev", "entry 9: event not JSON", "entry 9 missing"
    CHECK(o.output.find("entry " + std::to_string(seq)) != std::string::npos);
  }
}
