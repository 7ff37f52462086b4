#pragma once
// The human view of a changeset (what `plan`, `show` and `apply` print before anything
// changes), risk first:
//   1. Remove and Replace, in red: the property that forces each replacement and its reason,
//      the data it loses ("retained: forgotten, not deleted" for DeletionPolicy Retain);
//   2. Modify: property by property `before -> after`, "(known after apply)" for Unknowns,
//      "(reverts drift)" for drift, then the in-place steps;
//   3. Add: the new physical id and the desired properties;
//   4. output changes, then drift three-way (template, last applied, live: outcome);
//   5. "N resources unchanged in M stacks" (counted, not listed), the cost delta with the
//      price table's name and what was not estimated, warnings, and one summary line:
//      "Plan: 2 to add, 1 to change, 1 to replace, 0 to remove." ("Destroy: ..." for destroy).
// An empty changeset prints "No changes. <stage> is up to date (N resources)." (after any
// drift that applying would not revert). Colour only when asked; its own text is ASCII ("->"),
// like the other views. --output json is the changeset's own JSON (plan/changeset.h), not this.

#include <ostream>
#include <string>

#include "plan/changeset.h"

namespace sf::cli {

struct ChangesetViewOptions {
  bool color = false;
  std::string stage;     // as the user named it; the changeset's own when empty
  bool destroy = false;  // the changeset removes the stage: "Destroy: ..." summary
};

void RenderChangeset(std::ostream& out, const plan::Changeset& changeset,
                     const ChangesetViewOptions& options);

}  // namespace sf::cli
