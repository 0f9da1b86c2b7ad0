// append: signs events (one JSON object per line) with an agency key and
// posts them to a server in batches (POST /v1/events:batch), stopping at
// the first refused batch with the line and code of its first bad event.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "api/cli/cli_args.h"
#include "api/cli/cli_util.h"
#include "api/cli/commands.h"
#include "api/cli/progress.h"
#include "api/client/http_client.h"
#include "crypto/key_file.h"
#include "ledger/canonical_json.h"
#include "ledger/envelope.h"
#include "ledger/limits.h"

namespace fl::cli {
namespace {

// API.md: at most 1000 events and 1 MiB per batch; keep some room for
// the {"events":[...]} wrapper.
constexpr std::size_t kMaxBatchEvents = limits::kMaxBatchEvents;
constexpr std::size_t kMaxBatchBytes = limits::kMaxBodyBytes - 1024;

struct Line {
  std::size_t number;  // 1-based, in the file
  std::string text;
};

// Signs every line on every core; the envelope text is canonical JSON.
std::vector<std::string> SignAll(const std::vector<Line>& lines,
                                 const PrivateKey& key,
                                 const std::string& origin) {
  std::vector<std::string> out(lines.size());
  std::vector<std::string> errors(lines.size());
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (std::size_t i = t; i < lines.size(); i += threads) {
          auto event = ParseStrict(lines[i].text);
          if (!event.ok()) {
            errors[i] = event.error().reason + ": " + event.error().detail;
          } else if (!event->is_object()) {
            errors[i] = "invalid_field: an event must be a JSON object";
          } else {
            out[i] = Canonicalize(SignEnvelope(*event, key, origin));
          }
        }
      });
    }
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!errors[i].empty()) {
      throw std::runtime_error("line " + std::to_string(lines[i].number) +
                               ": " + errors[i]);
    }
  }
  return out;
}

// "— name sig" notes carry the tree size on their second line.
std::string TreeSizeOf(const std::string& checkpoint) {
  auto a = checkpoint.find('\n');
  if (a == std::string::npos) return {};
  auto b = checkpoint.find('\n', a + 1);
  return checkpoint.substr(a + 1, b - a - 1);
}

std::string DescribeRefusal(const http::ClientResponse& res,
                            const std::vector<Line>& lines, std::size_t first) {
  Json problem = Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (!problem.is_object()) {
    return "batch from line " + std::to_string(lines[first].number) +
           ": HTTP " + std::to_string(res.status);
  }
  auto errors = problem.find("errors");
  if (errors != problem.end() && errors->is_array() && !errors->empty()) {
    const Json& e = errors->front();
    std::size_t index = e.value("index", std::size_t{0});
    std::string where =
        first + index < lines.size()
            ? "line " + std::to_string(lines[first + index].number)
            : "batch item " + std::to_string(index);
    std::string msg = where + ": " + e.value("code", std::string()) + ": " +
                      e.value("detail", std::string());
    std::string field = e.value("field", std::string());
    if (!field.empty()) msg += " (at " + field + ")";
    return msg;
  }
  std::string type = problem.value("type", std::string());
  std::string code = type.substr(type.rfind(':') + 1);
  return "batch from line " + std::to_string(lines[first].number) + ": " +
         code + ": " + problem.value("detail", std::string());
}

}  // namespace

int Append(const Args& args) {
  if (args.positional().size() != 1)
    throw UsageError("one FILE.jsonl expected");
  auto url = http::ParseUrl(args.Required("url"));
  if (!url.ok()) throw UsageError(url.error().detail);
  PrivateKey key = Take(ReadPrivateKeyFile(args.Required("key")));
  const std::string& path = args.positional()[0];
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Line> lines;
  std::string text;
  for (std::size_t n = 1; std::getline(in, text); ++n) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    lines.push_back({n, std::move(text)});
  }
  if (args.Has("ca") && !url->https) {
    throw UsageError("--ca is for an https:// URL");
  }
  http::Client client(url->host, url->port, std::chrono::seconds(60),
                      {url->https, args.Get("ca", "")});
  // Signatures bind the ledger's origin (LEDGER.md 2): ask the server.
  http::ClientResponse info = client.Get(url->base_path + "/v1/ledger");
  if (info.status != 200) {
    throw std::runtime_error("GET /v1/ledger answered " +
                             std::to_string(info.status));
  }
  auto ledger = ParseStrict(info.body);
  if (!ledger.ok() || !ledger->contains("origin") ||
      !(*ledger)["origin"].is_string()) {
    throw std::runtime_error("GET /v1/ledger gave no origin");
  }
  std::vector<std::string> envelopes =
      SignAll(lines, key, (*ledger)["origin"].get<std::string>());

  const std::string target = url->base_path + "/v1/events:batch";
  Progress progress("append", lines.size());
  std::size_t accepted = 0, next = 0;
  std::string tree_size;
  while (next < envelopes.size()) {
    std::size_t first = next;
    std::string body = "{\"events\":[";
    while (next < envelopes.size() && next - first < kMaxBatchEvents &&
           (next == first ||
            body.size() + envelopes[next].size() + 3 < kMaxBatchBytes)) {
      if (next > first) body += ',';
      body += envelopes[next++];
    }
    body += "]}";
    http::ClientResponse res = client.Post(target, body);
    if (res.status != 200 && res.status != 201) {
      progress.Finish(accepted);
      std::fprintf(stderr,
                   "fundledger append: %s; %zu events accepted before it "
                   "(the refused batch stored nothing)\n",
                   DescribeRefusal(res, lines, first).c_str(), accepted);
      return 1;
    }
    // Receipts do not say which items were exact repeats (their seq is
    // the first copy's), so the summary counts accepted events.
    Json receipts = Json::parse(res.body).at("receipts");
    accepted += receipts.size();
    if (!receipts.empty()) {
      tree_size = TreeSizeOf(receipts.back().value("checkpoint", ""));
    }
    progress.Update(next);
  }
  progress.Finish(accepted);
  Json out = {{"submitted", envelopes.size()}, {"accepted", accepted}};
  if (!tree_size.empty()) out["tree_size"] = std::stoull(tree_size);
  std::puts(out.dump().c_str());
  return 0;
}

}  // namespace fl::cli
