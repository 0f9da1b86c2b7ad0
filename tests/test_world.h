// A real ledger in a temp dir with a few agencies, and helpers to sign and
// append events as they would arrive from agencies.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "crypto/ed25519.h"
#include "ledger/ledger.h"
#include "test_util.h"

namespace fl::test {

// GB 32100 check character, computed here independently of ledger/uscc.
std::string MakeUscc(const std::string& first17);

// Every row of every column family, for "nothing changed" assertions.
std::string DumpDb(const std::string& dir);

class World {
 public:
  // The ledger goes to `parent`/ledger (a temp dir when empty).
  explicit World(const std::string& division = "000000",
                 const std::string& parent = "");

  const std::string& dir() const { return dir_; }
  Ledger& ledger() { return *ledger_; }
  void Reopen();  // close and open again, as after a restart
  void Close() { ledger_.reset(); }

  // Registers an agency with a fresh key (signed by the admin).
  void AddAgency(const std::string& id, const std::string& kind,
                 const std::string& division, const std::string& uscc = "");
  const PrivateKey& key(const std::string& agency) const {
    return keys_.at(agency);
  }
  void SetKey(const std::string& agency, const PrivateKey& k) {
    keys_.insert_or_assign(agency, k);
  }

  // {"id","type","agency","occurred_at","data"} signed with agency's key.
  Json Envelope(const std::string& id, const std::string& type,
                const std::string& agency, const Json& data,
                const std::string& occurred_at = "2024-03-31T08:00:00Z") const;
  UnitResult Append(const Json& envelope);
  UnitResult AppendBatch(const std::vector<Json>& envelopes);
  // Append that must succeed; returns its receipt.
  Receipt MustAppend(const Json& envelope);

 private:
  TempDir tmp_;
  std::string dir_;
  std::unique_ptr<Ledger> ledger_;
  std::string origin_;  // signatures bind it (LEDGER.md 2)
  std::map<std::string, PrivateKey> keys_;
};

}  // namespace fl::test
