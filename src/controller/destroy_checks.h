#pragma once
// The safety rules of `streamform destroy`, checked before anything is deleted and reported
// together: a protected stage needs --force naming it; an export imported by a stack that is
// not being destroyed blocks its exporter (naming the importer); a bucket holding objects or
// open uploads needs --empty-buckets. Emptying happens only after every rule passed.

#include <string>
#include <vector>

#include "controller/session.h"
#include "plan/changeset.h"

namespace sf::controller {

struct DestroyOptions {
  bool empty_buckets = false;
  std::string force_stage;  // --force STAGE: must name the stage being destroyed
};

// One sentence per reason the destroy planned in `changeset` must not start.
std::vector<std::string> DestroyRefusals(StageSession& session, const plan::Changeset& changeset,
                                         const DestroyOptions& options);

// Empties every resource the destroy removes that holds deletable data (buckets). Returns one
// note per resource emptied; fails on the first that cannot be emptied.
Result<std::vector<std::string>> EmptyRemovedResources(StageSession& session,
                                                       const plan::Changeset& changeset);

}  // namespace sf::controller
