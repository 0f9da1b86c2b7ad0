#include "api/cli/witness_submitter.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>

#include "api/cli/cli_util.h"
#include "api/client/http_client.h"
#include "crypto/encoding.h"
#include "ledger/canonical_json.h"
#include "ledger/checkpoint.h"

namespace fl::cli {

struct WitnessSubmitter::Witness {
  WitnessTarget target;
  http::Url url;
  // The size this witness last cosigned, as far as we know: 0 at start,
  // corrected by its 409 answer (tlog-witness).
  std::uint64_t known_size = 0;
  std::unique_ptr<http::Client> client;
};

namespace {

std::vector<std::string> SplitCommas(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Writes the whole file, fsyncs it, then renames it into place, so a
// crash leaves the old file or the new one.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Internal("cannot write " + tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      return Internal("cannot write " + tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Internal("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace

std::string WitnessedCheckpointFile(const std::string& data_dir) {
  return data_dir + "/witnessed-checkpoint";
}

std::optional<SubmitterOptions> SubmitterOptionsFromArgs(const Args& args) {
  if (!args.Has("witness")) {
    if (args.Has("witness-key") || args.Has("quorum")) {
      throw UsageError("--witness-key and --quorum need --witness");
    }
    return std::nullopt;
  }
  std::vector<std::string> urls = SplitCommas(args.Required("witness"));
  std::vector<Cosigner> keys =
      Take(ParseCosignerKeys(args.Required("witness-key")));
  if (keys.size() != urls.size()) {
    throw UsageError(
        "--witness-key must give one key per --witness URL, in "
        "the same order");
  }
  SubmitterOptions o;
  std::string q = args.Get("quorum", "");
  if (q.empty() || q.size() > 3 ||
      q.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(q) < 1 ||
      static_cast<std::size_t>(std::stoi(q)) > urls.size()) {
    throw UsageError("--quorum must be 1.." + std::to_string(urls.size()) +
                     " (the number of witnesses)");
  }
  o.quorum = std::stoi(q);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    auto url = http::ParseUrl(urls[i]);
    if (!url.ok())
      throw UsageError("--witness " + urls[i] + ": " + url.error().detail);
    o.witnesses.push_back({urls[i], keys[i]});
  }
  return o;
}

WitnessSubmitter::WitnessSubmitter(const Ledger& ledger,
                                   SubmitterOptions options)
    : ledger_(ledger),
      options_(std::move(options)),
      log_key_(Take(ParseVerifierKey(ledger.Info().verifier_key))),
      witnessed_(options_.quorum) {
  for (const WitnessTarget& t : options_.witnesses) {
    auto w = std::make_unique<Witness>();
    w->target = t;
    w->url = Take(http::ParseUrl(t.url));
    witnesses_.push_back(std::move(w));
  }
  if (options_.data_dir.empty()) return;
  // A witnessed checkpoint from before a restart still counts if it is
  // ours (signed by the ledger, its root is our tree's at that size) and
  // has the quorum of the witnesses configured now.
  std::string path = WitnessedCheckpointFile(options_.data_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  std::string note;
  try {
    note = ReadFileOrThrow(path);
  } catch (const std::exception&) {
    return;
  }
  std::vector<Cosigner> keys;
  for (const auto& w : witnesses_) keys.push_back(w->target.key);
  auto cp = OpenCheckpoint(note, log_key_);
  if (cp.ok() && cp->size <= ledger_.TreeSize()) {
    auto root = ledger_.RootAt(cp->size);
    if (root.ok() && *root == cp->root &&
        CheckQuorum(note, keys, static_cast<std::size_t>(options_.quorum))
            .ok()) {
      witnessed_.Set(cp->size, note);
      return;
    }
  }
  Log("witnessed_checkpoint_dropped", "",
      path + " no longer checks out against this ledger and these witnesses");
}

WitnessSubmitter::~WitnessSubmitter() { Stop(); }

void WitnessSubmitter::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void WitnessSubmitter::Stop() {
  stop_ = true;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WitnessSubmitter::Log(std::string_view event, const std::string& witness,
                           std::string detail) {
  if (!options_.log) return;
  Json line = {{"event", event}, {"detail", std::move(detail)}};
  if (!witness.empty()) line["witness"] = witness;
  options_.log(line.dump());
}

void WitnessSubmitter::Loop() {
  std::uint64_t done = 0;  // the size of the last round's checkpoint
  bool retry = false;      // the last round missed the quorum
  while (!stop_) {
    if (retry) {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, options_.retry_after,
                     [this] { return stop_.load(); });
      if (stop_) break;
    } else if (ledger_.WaitForGrowth(done, 200) <= done) {
      continue;  // re-checks stop_ at least 5 times a second
    }
    std::string note = ledger_.LatestCheckpoint();
    auto cp = OpenCheckpoint(note, log_key_);
    if (!cp.ok()) {
      Log("witness_round_failed", "", cp.error().detail);
      retry = true;
      continue;
    }
    if (!retry && cp->size <= done) continue;
    Round(note, cp->size);
    done = cp->size;
    retry = witnessed_.Get().size < cp->size;
  }
}

void WitnessSubmitter::Round(const std::string& note, std::uint64_t size) {
  // Every witness gets the same checkpoint in the same round, or their
  // cosignatures would never meet on one checkpoint while the log grows.
  std::vector<std::optional<std::string>> lines(witnesses_.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < witnesses_.size(); ++i) {
    threads.emplace_back(
        [&, i] { lines[i] = Submit(*witnesses_[i], note, size); });
  }
  for (auto& t : threads) t.join();
  std::string cosigned = note;
  int count = 0;
  for (const auto& line : lines) {
    if (line) {
      cosigned += *line;
      ++count;
    }
  }
  if (count >= options_.quorum) {
    Publish(size, std::move(cosigned));
  } else {
    Log("witness_quorum_missed", "",
        "checkpoint " + std::to_string(size) + ": " + std::to_string(count) +
            " of " + std::to_string(options_.quorum) + " cosignatures");
  }
}

std::optional<std::string> WitnessSubmitter::Submit(Witness& w,
                                                    const std::string& note,
                                                    std::uint64_t size) {
  const std::string& name = w.target.key.name;
  // Two tries: a 409 tells us the witness's size, then we resubmit from it.
  for (int attempt = 0; attempt < 2 && !stop_; ++attempt) {
    if (w.known_size > size) {
      Log("witness_ahead", name,
          "the witness cosigned size " + std::to_string(w.known_size) +
              ", larger than our " + std::to_string(size) +
              ": was this log rolled back?");
      return std::nullopt;
    }
    std::string body = "old " + std::to_string(w.known_size) + "\n";
    if (w.known_size > 0 && w.known_size < size) {
      auto proof = ledger_.ConsistencyProof(w.known_size, size);
      if (!proof.ok()) {
        Log("witness_submit_failed", name, proof.error().detail);
        return std::nullopt;
      }
      for (const Hash& h : *proof) body += Base64Encode(AsBytes(h)) + "\n";
    }
    body += "\n" + note;
    http::ClientResponse res;
    try {
      if (!w.client) {
        w.client = std::make_unique<http::Client>(w.url.host, w.url.port,
                                                  options_.request_timeout);
      }
      res = w.client->Request("POST", w.url.base_path + "/add-checkpoint", body,
                              "text/plain; charset=utf-8");
    } catch (const std::exception& e) {
      w.client.reset();  // a fresh connection next time
      Log("witness_unreachable", name, e.what());
      return std::nullopt;
    }
    if (res.status == 409) {
      std::uint64_t known = 0;
      std::string_view b = res.body;
      if (b.ends_with('\n')) b.remove_suffix(1);
      auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), known);
      if (ec != std::errc() || end != b.data() + b.size() || b.empty()) {
        Log("witness_submit_failed", name, "409 without a size");
        return std::nullopt;
      }
      w.known_size = known;
      continue;
    }
    if (res.status != 200) {
      std::string detail = res.body.substr(0, 200);
      while (!detail.empty() && detail.back() == '\n') detail.pop_back();
      Log("witness_refused", name,
          "HTTP " + std::to_string(res.status) + ": " + detail);
      return std::nullopt;
    }
    // Keep only this witness's own valid line (tlog-witness: ignore
    // cosignatures from unknown keys).
    auto valid = VerifyCosignatures(note + res.body, {w.target.key});
    if (!valid.ok() || valid->empty()) {
      Log("witness_bad_cosignature", name,
          valid.ok() ? "no cosignature by its key" : valid.error().detail);
      return std::nullopt;
    }
    w.known_size = size;
    std::string_view lines = res.body;
    std::string prefix = "\xe2\x80\x94 " + name + " ";
    std::string id(reinterpret_cast<const char*>(w.target.key.key_id.data()),
                   4);
    while (!lines.empty()) {
      std::size_t nl = lines.find('\n');
      if (nl == lines.npos) break;
      std::string_view line = lines.substr(0, nl + 1);
      lines.remove_prefix(nl + 1);
      if (!line.starts_with(prefix)) continue;
      auto blob = Base64Decode(
          line.substr(prefix.size(), line.size() - prefix.size() - 1));
      if (blob && blob->size() == 76 && blob->substr(0, 4) == id) {
        return std::string(line);
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

void WitnessSubmitter::Publish(std::uint64_t size, std::string note) {
  if (!options_.data_dir.empty()) {
    Status s =
        WriteFileAtomically(WitnessedCheckpointFile(options_.data_dir), note);
    if (!s.ok()) Log("witnessed_checkpoint_not_saved", "", s.error().detail);
  }
  witnessed_.Set(size, std::move(note));
  Log("checkpoint_witnessed", "", "size " + std::to_string(size));
}

}  // namespace fl::cli
