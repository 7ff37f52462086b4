#pragma once
// The changes that take a stack from what exists now back to a record it had before: how
// `apply --rollback` undoes an apply that was interrupted (Ctrl-C, a killed job, a crash).
// Resources the apply created are removed; resources it deleted are created again (empty)
// under their old names; resources it updated go back to their old properties. The result is
// run by the executor like any other stack change.

#include "plan/changeset.h"
#include "stackapi/stack_record.h"

namespace sf::apply {

// `before`: the record as it was when the apply began; `now`: the same after folding the
// apply's journal (apply/journal_fold.h). Names are taken from `now`.
plan::StackChange UndoChange(const stackapi::StackRecord& before, const stackapi::StackRecord& now);

}  // namespace sf::apply
