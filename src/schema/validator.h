#pragma once
// Validates a resolved Value against a JSON Schema (the subset CloudFormation registry
// schemas use: type, properties, additionalProperties, patternProperties, required, enum,
// pattern, min/maxLength, minimum/maximum, items, min/maxItems, $ref to local definitions,
// oneOf, anyOf).
//
// Like CloudFormation, it is lenient with scalars: "5" is a valid integer and "true" a valid
// boolean. Unknown values (known only after apply) pass every check. Each problem is reported
// at the origin of the offending value, with its JSON pointer; all problems are reported.

#include <nlohmann/json.hpp>
#include <string>

#include "base/diagnostics.h"
#include "base/value.h"

namespace sf {

struct SchemaContext {
  const nlohmann::json* root = nullptr;  // resolves "$ref": "#/definitions/X"
  std::string file;                      // for locations
  std::string subject;                   // "AWS::Kinesis::Stream", used in messages
};

void ValidateValue(const SchemaContext& context, const nlohmann::json& schema, const Value& value,
                   const std::string& pointer, Diagnostics& diagnostics);

}  // namespace sf
