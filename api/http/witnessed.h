// The newest checkpoint that reached the witness quorum (`serve --witness
// ... --quorum K`), shared between the submitter that collects cosignatures
// and the handlers that serve it. Empty until the first quorum.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace fl::http {

class WitnessedCheckpoint {
 public:
  struct View {
    std::uint64_t size = 0;  // 0 with an empty note: none yet
    std::string note;  // the log's signed checkpoint plus the cosignatures
    int quorum = 0;
  };
  explicit WitnessedCheckpoint(int quorum) : quorum_(quorum) {}

  void Set(std::uint64_t size, std::string note) {
    std::lock_guard lock(mu_);
    // Only ever forward: a slow answer for an older checkpoint must not
    // replace a newer witnessed one.
    if (!note_.empty() && size < size_) return;
    size_ = size;
    note_ = std::move(note);
  }
  View Get() const {
    std::lock_guard lock(mu_);
    return {size_, note_, quorum_};
  }

 private:
  mutable std::mutex mu_;
  std::uint64_t size_ = 0;
  std::string note_;
  const int quorum_;
};

}  // namespace fl::http
