#include "test_world.h"

#include <stdexcept>

#include "crypto/encoding.h"
#include "crypto/key_file.h"
#include "ledger/envelope.h"
#include "ledger/store.h"

namespace fl::test {

std::string MakeUscc(const std::string& first17) {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                   29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kChars.find(first17.at(i))) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  return first17 + kChars[check];
}

std::string DumpDb(const std::string& dir) {
  auto store = Store::Open(dir, Store::Mode::kReadOnly);
  if (!store.ok()) throw std::runtime_error(store.error().detail);
  std::string out;
  for (int f = 0; f < Store::kFamilyCount; ++f) {
    auto it = (*store)->NewIterator(static_cast<Store::Family>(f));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out += std::to_string(f) + ":" + HexEncode(it->key().ToStringView()) +
             "=" + HexEncode(it->value().ToStringView()) + "\n";
    }
  }
  return out;
}

World::World(const std::string& division, const std::string& parent)
    : dir_((parent.empty() ? tmp_.str() : parent) + "/ledger") {
  InitOptions o;
  o.name = "test.example";
  o.division = division;
  auto r = Ledger::Init(dir_, o);
  if (!r.ok()) throw std::runtime_error(r.error().detail);
  origin_ = r->info.origin;
  auto admin = ReadPrivateKeyFile(dir_ + "/admin.pem");
  if (!admin.ok()) throw std::runtime_error(admin.error().detail);
  keys_.insert_or_assign("admin", *admin);
  Reopen();
}

void World::Reopen() {
  ledger_.reset();
  auto l = Ledger::Open(dir_);
  if (!l.ok()) throw std::runtime_error(l.error().detail);
  ledger_ = std::move(*l);
}

void World::AddAgency(const std::string& id, const std::string& kind,
                      const std::string& division, const std::string& uscc) {
  PrivateKey k = PrivateKey::Generate();
  Json data = {{"agency", id},
               {"name", id + " office"},
               {"kind", kind},
               {"division_code", division},
               {"public_key", Base64Encode(AsBytes(k.public_key()))}};
  if (!uscc.empty()) data["uscc"] = uscc;
  MustAppend(Envelope("reg-" + id, "agency.registered", "admin", data));
  keys_.insert_or_assign(id, k);
}

Json World::Envelope(const std::string& id, const std::string& type,
                     const std::string& agency, const Json& data,
                     const std::string& occurred_at) const {
  Json event = {{"id", id},
                {"type", type},
                {"agency", agency},
                {"occurred_at", occurred_at},
                {"data", data}};
  return SignEnvelope(event, keys_.at(agency), origin_);
}

UnitResult World::Append(const Json& envelope) {
  return ledger_->AppendOne(ledger_->Prepare(envelope.dump()));
}

UnitResult World::AppendBatch(const std::vector<Json>& envelopes) {
  std::vector<std::vector<PreparedEvent>> units(1);
  for (const auto& e : envelopes)
    units[0].push_back(ledger_->Prepare(e.dump()));
  return std::move(ledger_->Append(std::move(units)).front());
}

Receipt World::MustAppend(const Json& envelope) {
  UnitResult r = Append(envelope);
  if (!r.ok()) {
    const Error& e = r.errors.front().error;
    throw std::runtime_error("append refused: " + e.reason + ": " + e.detail +
                             " " + e.field);
  }
  return r.receipts.front();
}

}  // namespace fl::test
