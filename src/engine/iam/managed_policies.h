#pragma once
// The AWS managed policies templates attach (ManagedPolicyArns, SAM's Policies by name), built
// in with the documents of their default versions as AWS publishes them in its managed policy
// reference. Attaching an ARN not listed here is NoSuchEntity, as IAM answers for a policy that
// does not exist. Customer managed policies (iam:CreatePolicy) are not supported.
//
// Thread-safe: the table is immutable; documents are parsed once, on first use.

#include <string>
#include <string_view>
#include <vector>

#include "engine/iam/policy_document.h"

namespace sf::engine::iam {

struct ManagedPolicy {
  std::string_view arn;       // "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
  std::string_view name;      // "AWSLambdaBasicExecutionRole"
  std::string_view document;  // the JSON of the default version
  const PolicyDocument* parsed = nullptr;
};

// The managed policy with this ARN, or nullptr when streamform does not know it.
const ManagedPolicy* FindManagedPolicy(std::string_view arn);

// Every built-in managed policy, by ARN.
const std::vector<ManagedPolicy>& ManagedPolicies();

}  // namespace sf::engine::iam
