// Payments grouped by what the rules look them up by: a station's and a
// payee's payments (R12, R18), a station's SWS.SETUP payments (R16), and
// the duplicate groups of R13 and R18, payments sharing (payee, invoice),
// (contract, milestone), or (payee, amount, date bucket). Every payment
// joins three to six groups.
// As text keys in MultiIndexes ("i|payee|invoice", each member a copied
// payment id) the duplicate groups alone were the State's largest part,
// ~190 MB of ~620 at 1M entries (docs/PERFORMANCE.md), every payment
// built ~12 key strings to look up, and a reader found each member by id
// in the payments table (R16: every station's payments at every as_of).
//
// Here a key is fixed-size: a payee, contract or station is a view
// interned in the State's string pool, so equal bytes have one address
// and the key holds the address; an invoice or milestone (copied, not
// interned: most are unique, and interning them cost more than it saved)
// enters as a hash of its bytes. Two different invoices may therefore
// share a key, so a reader compares the members' fields (SameInvoice,
// SameMilestone); the other groups are exact. Members are the payments'
// rows (which never move). The groups are not persisted: they are a
// function of the payments table and are rebuilt from it on load
// (projection_store).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "replay/prefault.h"

namespace fl::replay {

struct Payment;

class PaymentGroups {
 public:
  class Key {
   public:
    Key() = default;
    // `payee`, `contract` and `station`: views interned in one StringPool (or
    // empty), so that equal strings have equal addresses.
    static Key Invoice(std::string_view payee, std::string_view invoice) {
      return Key(kInvoice, payee.data(), HashOf(invoice), 0);
    }
    static Key Milestone(std::string_view contract,
                         std::string_view milestone) {
      return Key(kMilestone, contract.data(), HashOf(milestone), 0);
    }
    static Key Station(std::string_view station) {
      return Key(kStation, station.data(), 0, 0);
    }
    static Key Payee(std::string_view payee) {
      return Key(kPayee, payee.data(), 0, 0);
    }
    // A station's payments from SWS.SETUP lots (R16).
    static Key StationSetup(std::string_view station) {
      return Key(kStationSetup, station.data(), 0, 0);
    }
    static Key Amount(std::string_view payee, std::int64_t amount,
                      std::int32_t bucket) {
      return Key(kAmount, payee.data(), static_cast<std::uint64_t>(amount),
                 bucket);
    }
    bool operator==(const Key&) const = default;
    std::size_t Hash() const;

   private:
    enum Kind : std::uint32_t {
      kInvoice = 1,
      kMilestone,
      kAmount,
      kStation,
      kPayee,
      kStationSetup
    };
    Key(Kind kind, const char* a, std::uint64_t b, std::int32_t bucket)
        : a_(reinterpret_cast<std::uintptr_t>(a)),
          b_(b),
          bucket_(bucket),
          kind_(kind) {}
    static std::uint64_t HashOf(std::string_view s);
    std::uint64_t a_ = 0, b_ = 0;
    std::int32_t bucket_ = 0;
    std::uint32_t kind_ = 0;
  };

  // A group's payments in the order they were added.
  class Members {
   public:
    class iterator {
     public:
      iterator(const PaymentGroups* groups, const Payment* first,
               std::uint32_t next)
          : groups_(groups), at_(first), next_(next) {}
      const Payment& operator*() const { return *at_; }
      iterator& operator++();
      bool operator!=(const iterator& o) const { return at_ != o.at_; }

     private:
      const PaymentGroups* groups_;
      const Payment* at_;
      std::uint32_t next_;
    };
    Members(const PaymentGroups* groups, const Payment* first,
            std::uint32_t more)
        : groups_(groups), first_(first), more_(more) {}
    iterator begin() const { return iterator(groups_, first_, more_); }
    iterator end() const { return iterator(groups_, nullptr, kNone); }
    bool empty() const { return first_ == nullptr; }

   private:
    const PaymentGroups* groups_;
    const Payment* first_;
    std::uint32_t more_;
  };

  // `payment` must outlive the groups (the payments table never moves a
  // row).
  void Add(const Key& key, const Payment* payment);
  Members Get(const Key& key) const;
  Members None() const { return Members(this, nullptr, kNone); }
  // Starts loading the slot where `key` would be: a replayed payment looks
  // up ~11 groups, most of them absent, each a cache miss in a table of
  // millions; prefetched first, the misses overlap.
  void Prefetch(const Key& key) const;
  std::size_t size() const { return entries_.size(); }  // keys

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Most duplicate groups have one payment: it is kept in the entry, and
  // only the second and later ones take a node.
  struct Group {
    const Payment* first = nullptr;
    std::uint32_t more_head = kNone, more_tail = kNone;
  };
  struct Entry {
    Key key;
    Group group;
  };
  struct Node {
    const Payment* payment;
    std::uint32_t next;
  };
  // An open-addressing table of 8-byte slots over entries kept in order of
  // insertion: at most half full, so a lookup of an absent key (most of
  // them) usually reads one slot; the tag (high hash bits) spares reading
  // an entry that cannot match. An entry slot of 40 bytes, at the same
  // load, would take ~4x the bytes.
  struct Slot {
    std::uint32_t entry = kNone;
    std::uint32_t tag = 0;
  };
  static constexpr std::size_t kChunkShift = 16;  // entries per chunk: 64Ki

  // Entries and nodes are kept in chunks that never move: a vector of
  // either, doubling, would copy tens of MB and touch twice the pages.
  // Each chunk is reserved whole when it is made, and through
  // PrefaultAllocator, so its pages come in with one system call before
  // any element is written (a new T[] wrote every default member first,
  // one page fault per 4 KiB).
  template <class T>
  class Chunks {
   public:
    T& operator[](std::uint32_t i) {
      return chunks_[i >> kChunkShift][i & kChunkMask];
    }
    const T& operator[](std::uint32_t i) const {
      return chunks_[i >> kChunkShift][i & kChunkMask];
    }
    std::uint32_t Push(const T& v);
    std::size_t size() const { return size_; }

   private:
    static constexpr std::uint32_t kChunkMask = (1u << kChunkShift) - 1;
    std::vector<std::vector<T, PrefaultAllocator<T>>> chunks_;
    std::size_t size_ = 0;
  };
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t Probe(const Key& key, std::uint64_t hash) const;
  void Grow();

  // a power of two long, at most half full
  std::vector<Slot, PrefaultAllocator<Slot>> slots_;
  Chunks<Entry> entries_;
  Chunks<Node> nodes_;
};

}  // namespace fl::replay
