#pragma once
// What the planner's tests share: a project written to a temporary directory, providers for
// streams and buckets over the in-memory fake (optionally planning like the engine-backed
// ones and observing only what they observe), and an "apply" that carries a changeset out
// against the fakes and keeps records the way the executor does.

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/value.h"
#include "plan/planner.h"
#include "project/project_file.h"
#include "provider/fake/fake_provider.h"
#include "stackapi/stack_record.h"

namespace sf {
// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }
}  // namespace sf

namespace sf::plan::testing {

std::string SourcePath(const std::string& relative);
std::string ReadSource(const std::string& relative);
std::string Describe(const Diagnostics& diagnostics);

// A Provider whose I/O goes to a FakeProvider and whose planning hooks go to `planning`
// (an engine-backed provider, which is pure there) when given; Read reports only `observed`
// (all the fake keeps when empty).
class TestProvider final : public provider::Provider {
 public:
  TestProvider(provider::FakeProviderOptions options, std::unique_ptr<provider::Provider> planning,
               std::vector<std::string> observed);

  const std::string& type_name() const override { return fake_.type_name(); }
  std::vector<Result<provider::LiveState>> Read(std::span<const std::string> ids) override;
  Result<provider::LiveState> Create(const provider::CreateRequest& request) override {
    return Observe(fake_.Create(request));
  }
  Result<provider::LiveState> Update(const provider::UpdateRequest& request) override {
    return Observe(fake_.Update(request));
  }
  Status Delete(const provider::DeleteRequest& request) override { return fake_.Delete(request); }
  Result<provider::DataFacts> DataHeld(const std::string& id) override {
    return fake_.DataHeld(id);
  }
  Status Empty(const std::string& id) override { return fake_.Empty(id); }
  const std::string& name_property() const override { return Planning().name_property(); }
  std::string GenerateName(const std::string& stack, const std::string& id) const override {
    return Planning().GenerateName(stack, id);
  }
  Result<std::vector<provider::UpdateStep>> PlanUpdate(const Value& before,
                                                       const Value& after) const override {
    return Planning().PlanUpdate(before, after);
  }
  std::map<std::string, Value> PredictAttributes(const std::string& id,
                                                 const Value& properties) const override {
    return fake_.PredictAttributes(id, properties);
  }

  provider::FakeProvider& fake() { return fake_; }

 private:
  const provider::Provider& Planning() const {
    if (planning_) return *planning_;
    return fake_;
  }
  Result<provider::LiveState> Observe(Result<provider::LiveState> state) const;

  provider::FakeProvider fake_;
  std::unique_ptr<provider::Provider> planning_;
  std::vector<std::string> observed_;
};

// A project in a fresh temporary directory, with stream and bucket providers.
class PlanFixture {
 public:
  PlanFixture();

  // Writes `file` (relative to the project directory).
  void Write(const std::string& file, const std::string& text);
  // Writes streamform.yaml listing `stacks` (name -> template file, in order) and stages dev
  // (protection as given) and prod, then loads it.
  void WriteProject(const std::vector<std::pair<std::string, std::string>>& stacks,
                    bool dev_protected = false);

  PlanInput Input(const std::vector<std::string>& stacks = {}) const;
  PlanResult Run(const std::vector<std::string>& stacks = {});
  PlanResult RunDestroy(const std::vector<std::string>& stacks = {});
  // Carries out `result` against the fakes and updates `records` as the executor would;
  // changes whose desired state still holds Unknowns are left for a later round.
  void Apply(const PlanResult& result);
  // Plan, then apply, until nothing is left to do (at most `rounds` times).
  void Converge(int rounds = 3);

  TestProvider& streams() { return *streams_; }
  TestProvider& buckets() { return *buckets_; }
  provider::ProviderRegistry& registry() { return registry_; }

  std::string directory;
  Project project;
  Diagnostics diagnostics;  // of the last Run
  std::map<std::string, stackapi::StackRecord> records;
  std::vector<stackapi::ExportEntry> exports;

 private:
  provider::ProviderRegistry registry_;
  TestProvider* streams_ = nullptr;
  TestProvider* buckets_ = nullptr;
};

const ResourceChange* FindChange(const Changeset& changeset, const std::string& logical_id);
const PropertyChange* FindProperty(const std::vector<PropertyChange>& rows,
                                   const std::string& path);

}  // namespace sf::plan::testing
