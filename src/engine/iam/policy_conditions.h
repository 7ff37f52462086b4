#pragma once
// The Condition block of one statement against a request's keys (see policy_evaluation.h for
// the rules). Pure; thread-safe.

#include <vector>

#include "engine/iam/policy_document.h"
#include "engine/iam/policy_evaluation.h"

namespace sf::engine::iam {

enum class ConditionOutcome {
  kHolds,        // every clause holds (or there are none)
  kFails,        // some clause that could be evaluated does not hold
  kUnevaluable,  // none fails, but some uses an operator streamform does not evaluate
};

ConditionOutcome EvaluateConditions(const std::vector<ConditionClause>& clauses,
                                    const ConditionKeys& keys);

}  // namespace sf::engine::iam
