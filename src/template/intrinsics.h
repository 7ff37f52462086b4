#pragma once
// Intrinsic functions: their names, their short-form tags, and how to recognise them.

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.h"
#include "base/yaml_document.h"

namespace sf {

// Long names of every intrinsic streamform resolves: "Ref", "Condition", "Fn::Sub", ...
const std::vector<std::string>& IntrinsicNames();

// Rewrites every short-form tag in the tree into its long form, in place: `!Ref X` becomes
// {Ref: X}, `!GetAtt A.B` becomes {"Fn::GetAtt": [A, B]}, `!Condition C` becomes
// {Condition: C}, `!Sub s` becomes {"Fn::Sub": s}. The new map keeps the tagged node's mark.
// Unknown tags are reported (with a did-you-mean) and dropped, leaving the untagged value.
// YAML's standard `!!str`, `!!int`, ... are honoured.
void NormalizeTags(Document& document, Diagnostics& diagnostics);

// If `node` is a one-entry map whose key is an intrinsic ("Ref", "Fn::..."), returns that
// key, else "". "Condition" counts only when `in_condition` (inside Conditions, Fn::And, ...):
// elsewhere a one-key map {Condition: ...} is ordinary data (IAM policies use that key).
std::string_view IntrinsicName(const Node& node, bool in_condition = false);

// True for "AWS::Region", "AWS::StackName", ... (every pseudo parameter CloudFormation has).
bool IsPseudoParameter(std::string_view name);
const std::vector<std::string>& PseudoParameterNames();

}  // namespace sf
