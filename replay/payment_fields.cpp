#include "replay/payment_fields.h"

#include <utility>

namespace fl::replay {
namespace {

// The member names, by field (EVENTS.md payment.made).
constexpr std::pair<std::string_view, PaymentFieldIndex::Field> kNames[] = {
    {"payment_id", PaymentFieldIndex::kId},
    {"allocation_id", PaymentFieldIndex::kLot},
    {"payee_uscc", PaymentFieldIndex::kPayee},
    {"economic_class", PaymentFieldIndex::kEconomicClass},
    {"service_category", PaymentFieldIndex::kServiceCategory},
    {"purpose", PaymentFieldIndex::kPurpose},
    {"invoice_no", PaymentFieldIndex::kInvoice},
    {"contract_id", PaymentFieldIndex::kContract},
    {"milestone_id", PaymentFieldIndex::kMilestone},
    {"station_id", PaymentFieldIndex::kStation},
};

}  // namespace

void PaymentFieldIndex::Read(Value data) {
  node_.fill(0);
  amount_ = 0;
  paid_on_ = kNoDay;
  bool amount_seen = false, paid_on_seen = false;
  if (!data.is_object()) return;
  for (Value member : data) {
    const std::string_view name = member.key();
    if (name == "amount_fen") {
      if (!std::exchange(amount_seen, true) && member.is_int())
        amount_ = member.num();
      continue;
    }
    if (name == "paid_on") {
      if (!std::exchange(paid_on_seen, true)) {
        auto d = ParseDay(member.str());
        paid_on_ = d ? *d : kNoDay;
      }
      continue;
    }
    for (const auto& [known, field] : kNames) {
      if (name != known) continue;
      if (node_[field] == 0) node_[field] = member.index();
      break;
    }
  }
}

PaymentFields PaymentFieldIndex::Resolve(const Doc& doc) const {
  auto str = [&](Field f) {
    return node_[f] == 0 ? std::string_view() : doc.at(node_[f]).str();
  };
  PaymentFields p;
  p.id = str(kId);
  p.lot = str(kLot);
  p.payee = str(kPayee);
  p.economic_class = str(kEconomicClass);
  p.service_category = str(kServiceCategory);
  p.purpose = str(kPurpose);
  p.invoice = str(kInvoice);
  p.contract = str(kContract);
  p.milestone = str(kMilestone);
  p.station = str(kStation);
  p.amount = amount_;
  p.paid_on = paid_on_;
  return p;
}

}  // namespace fl::replay
