#include "provider/fake/fake_provider.h"

#include <thread>

#include "base/clock.h"
#include "base/strings.h"
#include "provider/property_diff.h"

namespace sf::provider {

class FakeProvider::InFlight {
 public:
  InFlight(FakeProvider& fake, FakeOperation operation) : fake_(fake) {
    fake_.counts_[static_cast<int>(operation)].fetch_add(1);
    int now = fake_.in_flight_.fetch_add(1) + 1;
    int high = fake_.high_water_.load();
    while (now > high && !fake_.high_water_.compare_exchange_weak(high, now)) {
    }
    if (int64_t delay = fake_.delay_ms_.load(); delay > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  ~InFlight() { fake_.in_flight_.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  FakeProvider& fake_;
};

FakeProvider::FakeProvider(FakeProviderOptions options)
    : options_(std::move(options)), delay_ms_(options_.delay.count()) {}

FakeProvider::Resource FakeProvider::NewResource(const std::string& physical_id, Value properties) {
  Resource resource;
  if (!properties.IsMap()) properties = Value::Map();
  if (!options_.name_property.empty())
    properties.Set(options_.name_property, Value::String(physical_id));
  resource.properties = std::move(properties);
  resource.created_ms = RealClock().NowMs();
  resource.incarnation = "fake-" + std::to_string(++creations_);
  return resource;
}

LiveState FakeProvider::StateOf(const std::string& physical_id, const Resource& resource) const {
  LiveState state;
  state.exists = true;
  state.physical_id = physical_id;
  state.properties = resource.properties;
  for (const auto& [name, value] : resource.properties.members()) state.observed.push_back(name);
  state.attributes = PredictAttributes(physical_id, resource.properties);
  state.created_ms = resource.created_ms;
  state.incarnation = resource.incarnation;
  return state;
}

std::vector<Result<LiveState>> FakeProvider::Read(std::span<const std::string> physical_ids) {
  InFlight call(*this, FakeOperation::kRead);
  std::vector<Result<LiveState>> results;
  results.reserve(physical_ids.size());
  std::lock_guard lock(mu_);
  for (const std::string& id : physical_ids) {
    auto it = resources_.find(id);
    if (it == resources_.end()) {
      LiveState absent;
      absent.physical_id = id;
      results.emplace_back(std::move(absent));
    } else {
      results.emplace_back(StateOf(id, it->second));
    }
  }
  return results;
}

Result<LiveState> FakeProvider::Create(const CreateRequest& request) {
  InFlight call(*this, FakeOperation::kCreate);
  std::lock_guard lock(mu_);
  if (resources_.count(request.physical_id) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                options_.type_name + " " + request.physical_id + " already exists");
  }
  auto [it, added] =
      resources_.emplace(request.physical_id, NewResource(request.physical_id, request.properties));
  return StateOf(it->first, it->second);
}

Result<LiveState> FakeProvider::Update(const UpdateRequest& request) {
  InFlight call(*this, FakeOperation::kUpdate);
  std::lock_guard lock(mu_);
  auto it = resources_.find(request.physical_id);
  if (it == resources_.end()) {
    return Fail(ErrorCode::kNotFound,
                options_.type_name + " " + request.physical_id + " does not exist");
  }
  Value after = request.after.IsMap() ? request.after : Value::Map();
  if (!options_.name_property.empty())
    after.Set(options_.name_property, Value::String(request.physical_id));
  for (const std::string& name : ChangedProperties(it->second.properties, after)) {
    if (options_.create_only.count(name) != 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: " + name + " can only be set at creation");
    }
  }
  it->second.properties = std::move(after);
  return StateOf(it->first, it->second);
}

Status FakeProvider::Delete(const DeleteRequest& request) {
  InFlight call(*this, FakeOperation::kDelete);
  std::lock_guard lock(mu_);
  auto it = resources_.find(request.physical_id);
  if (it == resources_.end()) return {};
  if (options_.holds_data && !it->second.data.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                options_.type_name + " " + request.physical_id + " is not empty: empty it first");
  }
  resources_.erase(it);
  return {};
}

Result<DataFacts> FakeProvider::DataHeld(const std::string& physical_id) {
  InFlight call(*this, FakeOperation::kDataHeld);
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) {
    return Fail(ErrorCode::kNotFound, options_.type_name + " " + physical_id + " does not exist");
  }
  if (!options_.holds_data) return DataFacts{};
  DataFacts facts = it->second.data;
  facts.known = true;
  return facts;
}

Status FakeProvider::Empty(const std::string& physical_id) {
  InFlight call(*this, FakeOperation::kEmpty);
  if (!options_.holds_data) {
    return Fail(ErrorCode::kInvalidArgument,
                options_.type_name + " holds nothing that Empty could delete");
  }
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it != resources_.end()) it->second.data = DataFacts{};
  return {};
}

std::string FakeProvider::GenerateName(const std::string& stack_name,
                                       const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, options_.names);
}

Result<std::vector<UpdateStep>> FakeProvider::PlanUpdate(const Value& before,
                                                         const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  std::vector<std::string> fixed;
  for (const std::string& name : changed)
    if (options_.create_only.count(name) != 0) fixed.push_back(name);
  if (!fixed.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "cannot update in place: " + Join(fixed, ", ") + " can only be set at creation");
  }
  return std::vector<UpdateStep>{{after, DescribeChanged(changed)}};
}

std::map<std::string, Value> FakeProvider::PredictAttributes(const std::string& physical_id,
                                                             const Value& /*properties*/) const {
  return {
      {"Arn", Value::String("arn:streamform:fake:::" + options_.type_name + "/" + physical_id)}};
}

int FakeProvider::calls(FakeOperation operation) const {
  return counts_[static_cast<int>(operation)].load();
}

void FakeProvider::SetLive(const std::string& physical_id, Value properties) {
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) {
    resources_.emplace(physical_id, NewResource(physical_id, std::move(properties)));
  } else {
    it->second.properties = properties.IsMap() ? std::move(properties) : Value::Map();
  }
}

bool FakeProvider::SetLiveProperty(const std::string& physical_id, const std::string& name,
                                   Value value) {
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) return false;
  it->second.properties.Set(name, std::move(value));
  return true;
}

bool FakeProvider::RemoveLiveProperty(const std::string& physical_id, const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) return false;
  auto& members = it->second.properties.members();
  std::erase_if(members, [&](const Value::Member& member) { return member.first == name; });
  return true;
}

bool FakeProvider::RemoveLive(const std::string& physical_id) {
  std::lock_guard lock(mu_);
  return resources_.erase(physical_id) != 0;
}

std::optional<Value> FakeProvider::LiveProperties(const std::string& physical_id) const {
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) return std::nullopt;
  return it->second.properties;
}

bool FakeProvider::SetData(const std::string& physical_id, DataFacts facts) {
  std::lock_guard lock(mu_);
  auto it = resources_.find(physical_id);
  if (it == resources_.end()) return false;
  it->second.data = facts;
  return true;
}

size_t FakeProvider::size() const {
  std::lock_guard lock(mu_);
  return resources_.size();
}

}  // namespace sf::provider
