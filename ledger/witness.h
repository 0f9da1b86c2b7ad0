// A C2SP tlog-witness (c2sp.org/tlog-witness): for each log it is told to
// trust, it remembers the newest checkpoint it cosigned, checks that every
// new one is consistent with it, and cosigns (tlog-cosignature v1, Ed25519).
// State lives in its own RocksDB under DIR/db; its key in DIR/witness.pem.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/signed_note.h"
#include "crypto/status.h"

namespace fl {

class WitnessStore;
struct WitnessedLog;

// The answer to one add-checkpoint request. Refused requests store
// nothing. `error->reason` says which status the HTTP edge answers:
//   malformed_request 400, unknown_log 404, bad_signature 403,
//   old_size_mismatch 409 (with known_size), inconsistent_checkpoint 422.
struct AddCheckpointAnswer {
  std::optional<Error> error;
  std::uint64_t known_size = 0;  // with old_size_mismatch
  std::string cosignature;       // one signature line, ending in '\n'
};

struct WitnessLogState {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
  std::string checkpoint;  // as submitted, plus our cosignature
};

class Witness {
 public:
  // Creates DIR (must not hold a witness yet), DIR/witness.pem (0600) and
  // the store; returns the witness's cosigner vkey (type 0x04).
  static Result<std::string> Init(const std::string& dir,
                                  const std::string& name);
  // `logs`: the verifier keys of the logs it witnesses, one per origin.
  static Result<std::unique_ptr<Witness>> Open(const std::string& dir,
                                               std::vector<NoteVerifier> logs);
  ~Witness();
  Witness(const Witness&) = delete;
  Witness& operator=(const Witness&) = delete;

  const std::string& name() const { return name_; }
  std::string VerifierKey() const;  // the cosigner vkey

  // POST /add-checkpoint: `request` is the whole body; `now` the POSIX
  // time for the cosignature (> 0). Check-and-store is atomic.
  AddCheckpointAnswer AddCheckpoint(std::string_view request,
                                    std::uint64_t now);
  // The newest cosigned checkpoint of the log whose origin hashes (SHA-256,
  // lowercase hex) to `origin_hash`; nullopt if none.
  Result<std::optional<WitnessLogState>> Latest(
      std::string_view origin_hash) const;

 private:
  Witness(std::unique_ptr<WitnessStore> store, std::string name, PrivateKey key,
          std::vector<NoteVerifier> logs);

  std::unique_ptr<WitnessStore> store_;
  std::string name_;
  PrivateKey key_;
  std::vector<NoteVerifier> logs_;
  std::mutex mu_;  // one add-checkpoint at a time: check, then persist
};

// Lowercase hex SHA-256 of an origin line (without its newline).
std::string OriginHash(std::string_view origin);

}  // namespace fl
