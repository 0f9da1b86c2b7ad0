// The data of a payment.made event as the fold reads it. The projector and
// six rules each read these fields; looked up by name one at a time that
// was ~40 scans of the data object per payment, a tenth of a replay at 1M
// entries. They are found in one pass when the entry is decoded, and kept
// as node positions so that an Event stays safe to copy and move.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "replay/date.h"
#include "replay/doc.h"

namespace fl::replay {

struct PaymentFields {
  std::string_view id, lot, payee, economic_class, service_category, purpose,
      invoice, contract, milestone, station;
  std::int64_t amount = 0;  // amount_fen; 0 when absent
  Day paid_on = kNoDay;     // kNoDay when absent or not a date
};

// Where each field sits in the Doc (0: absent; node 0 is the root, never a
// member), plus the two fields that need converting.
class PaymentFieldIndex {
 public:
  // One pass over `data`'s members. For a repeated name the first wins, as
  // with Value::operator[].
  void Read(Value data);
  // The fields, as slices of `doc` (the Doc `data` belonged to).
  PaymentFields Resolve(const Doc& doc) const;

  enum Field : std::uint8_t {
    kId,
    kLot,
    kPayee,
    kEconomicClass,
    kServiceCategory,
    kPurpose,
    kInvoice,
    kContract,
    kMilestone,
    kStation,
    kStringFields
  };

 private:
  std::array<std::uint32_t, kStringFields> node_{};
  std::int64_t amount_ = 0;
  Day paid_on_ = kNoDay;
};

}  // namespace fl::replay
