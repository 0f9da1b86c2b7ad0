// A read-only JSON document for the fold: one flat node array over a copy
// of the event's canonical text. Strings are slices of that text (copied
// only when they hold escapes), so decoding an event costs two
// allocations instead of one per key, value and object as in a DOM of
// maps. Offsets, not pointers, so a Doc may be moved.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/canonical_json.h"

namespace fl::replay {

class Doc;

// A handle to one node of a Doc; a null Value answers every query with
// "absent".
class Value {
 public:
  Value() = default;
  Value(const Doc* doc, std::uint32_t index) : doc_(doc), index_(index) {}

  bool present() const { return doc_ != nullptr; }
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_int() const;
  bool is_bool() const;

  std::string_view str() const;  // "" unless a string
  std::int64_t num() const;      // 0 unless an integer
  bool boolean() const;          // false unless true
  // The member `key` of an object, or a null Value.
  Value operator[](std::string_view key) const;
  bool contains(std::string_view key) const { return (*this)[key].present(); }
  // The member name of this node, when it is a member of an object.
  std::string_view key() const;
  // Where this node sits in its Doc (Doc::at): a position survives moving
  // the Doc, a Value does not.
  std::uint32_t index() const { return index_; }
  // Converts this subtree (rare: policy parameters).
  Json ToJson() const;

  // Children of an array or object, in order.
  class Iterator {
   public:
    Iterator(const Doc* doc, std::uint32_t index) : doc_(doc), index_(index) {}
    Value operator*() const { return Value(doc_, index_); }
    Iterator& operator++();
    bool operator!=(const Iterator& o) const { return index_ != o.index_; }

   private:
    const Doc* doc_;
    std::uint32_t index_;
  };
  Iterator begin() const;
  Iterator end() const;

 private:
  friend class Doc;
  const Doc* doc_ = nullptr;
  std::uint32_t index_ = 0;
};

class Doc {
 public:
  // Parses `text` (a copy is kept). False on anything but well-formed
  // JSON with integer numbers.
  bool Parse(std::string_view text);
  // Parses the one value that starts at `at` in `text` (all of `text` is
  // copied; what follows the value is left to the caller) and sets *end
  // one past it. For a stored entry, whose event object is followed by
  // members the ledger scans (ledger/entry.h ScanEntryAfterEvent).
  bool ParseValueAt(std::string_view text, std::size_t at, std::size_t* end);
  Value root() const { return nodes_.empty() ? Value() : Value(this, 0); }
  // The node at `index` (Value::index) of the last Parse.
  Value at(std::uint32_t index) const {
    return index < nodes_.size() ? Value(this, index) : Value();
  }

 private:
  friend class Value;
  enum Kind : std::uint8_t { kNull, kBool, kInt, kString, kArray, kObject };
  struct Node {
    Kind kind = kNull;
    bool escaped_key = false, escaped_str = false;
    std::uint32_t key_off = 0, key_len = 0;  // member name (objects)
    std::uint32_t off = 0, len = 0;          // string slice or escape index
    std::int64_t num = 0;                    // integer, or bool 0/1
    std::uint32_t end = 0;                   // one past this subtree
  };
  std::string_view Slice(std::uint32_t off, std::uint32_t len,
                         bool escaped) const;
  bool ParseValue(std::size_t& pos, int depth);
  bool ParseString(std::size_t& pos, std::uint32_t* off, std::uint32_t* len,
                   bool* escaped);

  std::string text_;
  std::vector<Node> nodes_;
  std::vector<std::string> unescaped_;
};

}  // namespace fl::replay
