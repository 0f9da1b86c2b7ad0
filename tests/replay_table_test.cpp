#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "replay/table.h"

namespace fl::replay {
namespace {

std::vector<std::string> Copy(const MultiIndex::Members& m) {
  std::vector<std::string> out;
  for (std::string_view v : m) out.emplace_back(v);
  return out;
}

TEST_CASE("MultiIndex keeps each key's members in order, across blocks",
          "[replay]") {
  MultiIndex index;
  std::map<std::string, std::vector<std::string>> want;
  // ~300k members of 1-40 bytes (several 1 MiB arena blocks), one empty,
  // one of 64 KB, spread over 1000 keys.
  for (int i = 0; i < 300000; ++i) {
    std::string key = "k" + std::to_string(std::int64_t{i} * 7919 % 1000);
    std::string member(static_cast<std::size_t>(i % 41), 'a' + i % 26);
    member += std::to_string(i);
    if (i == 12345) member.clear();
    if (i == 23456) member.assign(65535, 'z');
    index.Add(key, member);
    want[key].push_back(member);
  }
  for (const auto& [key, members] : want) {
    INFO(key);
    auto got = index.Get(key);
    CHECK(got.size() == members.size());
    CHECK_FALSE(got.empty());
    CHECK(Copy(got) == members);
  }
  CHECK(index.Get("absent").empty());
  CHECK(index.Get("absent").size() == 0);
  CHECK(index.Get("absent").begin() == index.Get("absent").end());
}

TEST_CASE("MultiIndex finds every key as its table grows", "[replay]") {
  // 200k keys (the table doubles from 1,024 slots eight times), among them
  // the empty key, keys that are prefixes of others and keys longer than a
  // slot; each key's members are interleaved with the others'.
  MultiIndex index;
  std::map<std::string, std::vector<std::string>> want;
  auto key_of = [](int k) {
    if (k == 0) return std::string();
    std::string key = "c|" + std::to_string(k);
    if (k % 97 == 0) key.append(300, 'q');
    return key;
  };
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 200000; k += round + 1) {
      std::string member = std::to_string(round) + ":" + std::to_string(k);
      index.Add(key_of(k), member);
      want[key_of(k)].push_back(member);
    }
  }
  CHECK(index.size() == want.size());
  for (const auto& [key, members] : want) {
    auto got = index.Get(key);
    if (got.size() != members.size() || Copy(got) != members) {
      FAIL("key " << key.substr(0, 20) << ": " << got.size() << " members");
    }
  }
  // Prefixes and extensions of stored keys are other keys.
  CHECK(index.Get("c|").empty());
  CHECK(index.Get("c|1x").empty());
  CHECK(index.Get("c|200000").empty());
  CHECK(index.Get(key_of(97).substr(0, key_of(97).size() - 1)).empty());
  CHECK(Copy(index.Get("")) == std::vector<std::string>{"0:0", "1:0", "2:0"});
}

TEST_CASE("MultiIndex flushes new members as rows and loads them back",
          "[replay]") {
  MultiIndex index;
  index.Add("a", "1");
  index.Add("b", "x");
  index.Add("a", "2");
  std::map<std::string, std::string> rows;
  RowSink sink = [&](std::string_view key, const std::string* value) {
    REQUIRE(value != nullptr);
    rows[std::string(key)] = *value;
  };
  index.Flush("x/i/", sink);
  REQUIRE(rows.size() == 3);
  CHECK(rows.at(std::string("x/i/a\x1f\0\0\0\0", 10)) == "1");
  CHECK(rows.at(std::string("x/i/a\x1f\0\0\0\1", 10)) == "2");
  CHECK(rows.at(std::string("x/i/b\x1f\0\0\0\0", 10)) == "x");
  // Flushed rows are not written again; later members are, with their
  // index in the list.
  rows.clear();
  index.Flush("x/i/", sink);
  CHECK(rows.empty());
  index.Add("a", "3");
  index.Flush("x/i/", sink);
  REQUIRE(rows.size() == 1);
  CHECK(rows.begin()->first == std::string("x/i/a\x1f\0\0\0\2", 10));
  CHECK(rows.begin()->second == "3");
  // Once it stops recording, members added before and after are kept
  // but never flushed.
  rows.clear();
  index.Add("c", "4");
  index.StopRecordingChanges();
  index.Add("c", "5");
  index.Flush("x/i/", sink);
  CHECK(rows.empty());
  CHECK(Copy(index.Get("c")) == std::vector<std::string>{"4", "5"});

  // Loading the rows in key order gives the same lists.
  MultiIndex loaded;
  for (const auto& [key, member] : std::map<std::string, std::string>{
           {std::string("a\x1f\0\0\0\0", 6), "1"},
           {std::string("a\x1f\0\0\0\1", 6), "2"},
           {std::string("a\x1f\0\0\0\2", 6), "3"},
           {std::string("b\x1f\0\0\0\0", 6), "x"}})
    loaded.LoadRow(key, member);
  CHECK(Copy(loaded.Get("a")) == std::vector<std::string>{"1", "2", "3"});
  CHECK(Copy(loaded.Get("b")) == std::vector<std::string>{"x"});
  rows.clear();
  loaded.Flush("x/i/", sink);
  CHECK(rows.empty());  // loading is not a change

  // LoadRow remembers the last key's slot; a key that comes back after
  // others, and keys added while the table grows in between, still land
  // in their own lists.
  MultiIndex mixed;
  auto row = [](const std::string& key) {
    return key + std::string("\x1f\0\0\0\0", 5);
  };
  mixed.LoadRow(row("k"), "first");
  for (int i = 0; i < 5000; ++i)
    mixed.LoadRow(row("n" + std::to_string(i)), std::to_string(i));
  mixed.LoadRow(row("k"), "second");
  mixed.LoadRow(row("k"), "third");
  mixed.Add("k", "added");
  mixed.LoadRow(row("n7"), "again");
  CHECK(Copy(mixed.Get("k")) ==
        std::vector<std::string>{"first", "second", "third", "added"});
  CHECK(Copy(mixed.Get("n7")) == std::vector<std::string>{"7", "again"});
  CHECK(Copy(mixed.Get("n4999")) == std::vector<std::string>{"4999"});
  CHECK(mixed.size() == 5001);
}

}  // namespace
}  // namespace fl::replay
