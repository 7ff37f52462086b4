#pragma once
// Conversions between what providers return (LiveState), what the journal carries (JSON) and
// what a stack record keeps (ResourceRecord), shared by the executor and the journal fold.

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"
#include "base/value.h"
#include "plan/changeset.h"
#include "provider/provider.h"
#include "stackapi/stack_record.h"

namespace sf::apply {

// {"physicalId", "exists", "properties", "attributes", "createdMs", "incarnation"}; values
// tagged (Value::ToTaggedJson).
nlohmann::json StateToJson(const provider::LiveState& state);
Result<provider::LiveState> StateFromJson(const nlohmann::json& json);

// Fills a record entry after an operation: the applied `properties` (what the template asked
// for, not what the provider observed), the state's physical id and attributes, and `status`.
void ApplyState(stackapi::ResourceRecord& entry, const plan::ResourceChange& change,
                const provider::LiveState& state, const Value& properties,
                const std::string& status);

// The properties a record entry was applied with.
Value RecordedProperties(const stackapi::ResourceRecord& entry);

// What an in-place update starts from: the applied properties with each changed top-level
// property set to the value the plan saw before (live, for observed properties), so that an
// update also reverts drift.
Value BeforeProperties(const stackapi::ResourceRecord& entry, const plan::ResourceChange& change);

}  // namespace sf::apply
