#pragma once
// The three-way diff of one resource: T, its properties as the template resolves them now; A,
// its record (what was last applied); L, its live state as the provider read it. Pure: the
// planner (planner.h) does the reading and the resolution and calls this once per resource.
//
//   T, no A            Add (all properties listed as set)
//   A, no T            Remove (DeletionPolicy Retain: retain, nothing is deleted)
//   T and A, L absent  Add again (recreate), and a drift row "deleted"
//   T and A, L there   observed properties compare T with L, the others T with A; a change
//                      is caused by the "template" (T differs from A) or by "drift"
// Properties neither T nor A sets are never compared (what the backend generates is not
// drift). Every side is normalised first (normalize.h). A change forces replacement (True)
// under createOnlyProperties with a known new value, or when the provider's PlanUpdate says
// "cannot update in place"; Conditional with an Unknown new value or under
// conditionalCreateOnlyProperties. Data impact, name conflicts and outputs are the planner's.

#include <string>
#include <vector>

#include "plan/changeset.h"
#include "project/stack_set.h"
#include "provider/provider.h"
#include "schema/schema.h"
#include "stackapi/stack_record.h"

namespace sf::plan {

struct ResourceDiffInput {
  std::string stack;                                  // the project's stack name ("stream")
  std::string stack_name;                             // "streaming-pipeline-dev-stream"
  const ResolvedResource* desired = nullptr;          // T; nullptr: not in the template
  const stackapi::ResourceRecord* applied = nullptr;  // A; nullptr: not recorded
  const provider::LiveState* live = nullptr;          // L of A's physical id; nullptr: unread
  const ResourceSchema* schema = nullptr;             // of T's type (else A's); may be null
  const provider::Provider* provider = nullptr;       // of T's type (else A's); not null
};

struct ResourceDiff {
  ResourceChange change;  // action kNoOp when nothing changes
  std::vector<DriftRow> drift;
};

ResourceDiff DiffResource(const ResourceDiffInput& input);

// The recorded properties of `record`, as a Value (stored with Value::ToTaggedJson).
Value RecordedProperties(const stackapi::ResourceRecord& record);

// A recorded attribute ("Arn"), or nullopt when the record has none by that name.
std::optional<Value> RecordedAttribute(const stackapi::ResourceRecord& record,
                                       const std::string& name);

}  // namespace sf::plan
