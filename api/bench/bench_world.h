// Helpers shared by `fundledger bench` and `fundledger bench-http`: a fresh
// ledger with one finance agency, pre-signed envelopes, the in-process
// signed append run and the machine's Ed25519 limit.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "ledger/ledger.h"

namespace fl::cli {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since);
// CPU time the calling thread has used, in seconds.
double ThreadCpuSeconds();
// One aligned line of figures: name, value, unit.
void Report(const char* name, double value, const char* unit, int decimals = 1);
// p in [0, 1]; sorts v.
double Percentile(std::vector<double>& v, double p);

// Ed25519 verifies per second on one core: the ceiling for signed appends.
double MeasureVerifyRate();
// The benches measure that ceiling at their start and again at their end
// and divide by the higher of the two: in this VM one 2 s measurement
// read anywhere from 17,657 to 28,849/s within an hour (2026-12-07), and
// a slow first reading had made a signed-append ratio read 43.8% where
// ~28% was right. Each reading is also written to the JSON.
struct VerifyLimit {
  double start = 0, end = 0;
  double best() const { return start > end ? start : end; }
};
class GoalSheet;
// Reads the limit again at a bench's end and reports that reading, then
// puts the figures on `goals`: `ed25519_verify_per_s_core` (the better
// reading, the one ratios divide by) and its `_start` and `_end`.
void FinishVerifyLimit(VerifyLimit& limit, GoalSheet& goals);
// MiB per second of fresh memory written for the first time, one thread
// (page faults, zeroing, and in a VM the host backing the guest's pages;
// the median of three 128 MiB maps, in 4 KiB pages as the release
// binary's allocator takes them).
// Every byte a replay's State holds costs this once: the floor of any
// design that builds a State, whatever the code does with it.
double MeasureFirstTouchMiBPerS();

struct BenchWorld {
  std::string dir;
  PrivateKey finance;  // key of agency cz-530000 (kind finance, 530000)
  std::unique_ptr<Ledger> ledger;
};

// A new ledger in `dir` (removed first) with the finance agency registered.
BenchWorld MakeWorld(const std::string& dir, bool check_signatures);

// A budget.appropriated event of 10,000 yuan with id "b-" + n and lot
// "lot-" + n by `agency` (a finance agency of 530000), unsigned.
Json BudgetEvent(const std::string& agency, const std::string& n);
// A budget.appropriated envelope with id "b-" + n signed by w's finance
// agency for w's ledger, as JSON text.
std::string BudgetEnvelope(const BenchWorld& w, const std::string& n);
// `count` distinct envelopes signed on every core; tag keeps ids unique.
std::vector<std::string> PreSign(const BenchWorld& w, const std::string& tag,
                                 std::size_t count);

// Appends every envelope with `producers` threads, one event per append,
// as concurrent HTTP requests would. Returns appends per second.
double ProduceAppends(Ledger& ledger, const std::vector<std::string>& envs,
                      unsigned producers);

}  // namespace fl::cli
