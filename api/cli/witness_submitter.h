// `serve --witness URL[,URL...] --witness-key VKEY[,VKEY...] --quorum K`:
// after each new checkpoint, one background round submits it to every
// witness (c2sp.org/tlog-witness add-checkpoint) in parallel, keeps the
// valid cosignatures, and once K agree publishes the cosigned checkpoint
// (WitnessedCheckpoint, and DIR/witnessed-checkpoint for `proof file` and
// restarts). Appends never wait for any of this.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/http/witnessed.h"
#include "crypto/cosignature.h"
#include "crypto/signed_note.h"
#include "ledger/ledger.h"

namespace fl::cli {

// The file under the ledger directory holding the newest witnessed
// checkpoint (written whole, synced, then renamed into place).
std::string WitnessedCheckpointFile(const std::string& data_dir);

struct WitnessTarget {
  std::string url;  // submission prefix: POST <url>/add-checkpoint
  Cosigner key;
};

struct SubmitterOptions {
  std::vector<WitnessTarget> witnesses;
  int quorum = 1;
  std::string data_dir;  // empty: the witnessed checkpoint is not persisted
  std::chrono::milliseconds request_timeout{5'000};
  // Pause before the next round after a round without the quorum.
  std::chrono::milliseconds retry_after{1'000};
  std::function<void(std::string_view)> log;  // JSON lines; null: none
};

// --witness, --witness-key and --quorum as SubmitterOptions (UsageError if
// they do not fit together); nullopt when --witness is absent.
std::optional<SubmitterOptions> SubmitterOptionsFromArgs(const Args& args);

class WitnessSubmitter {
 public:
  WitnessSubmitter(const Ledger& ledger, SubmitterOptions options);
  ~WitnessSubmitter();  // Stop()
  WitnessSubmitter(const WitnessSubmitter&) = delete;
  WitnessSubmitter& operator=(const WitnessSubmitter&) = delete;

  // What the server reads; also restored from DIR/witnessed-checkpoint
  // when that file still checks out (ledger key, root, quorum).
  const http::WitnessedCheckpoint& witnessed() const { return witnessed_; }
  void Start();
  void Stop();  // waits for the round in flight (bounded by the timeout)

 private:
  struct Witness;
  void Loop();
  void Round(const std::string& note, std::uint64_t size);
  // One witness: the cosignature line, or nullopt (logged).
  std::optional<std::string> Submit(Witness& w, const std::string& note,
                                    std::uint64_t size);
  void Publish(std::uint64_t size, std::string note);
  void Log(std::string_view event, const std::string& witness,
           std::string detail);

  const Ledger& ledger_;
  SubmitterOptions options_;
  NoteVerifier log_key_;
  http::WitnessedCheckpoint witnessed_;
  std::vector<std::unique_ptr<Witness>> witnesses_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace fl::cli
