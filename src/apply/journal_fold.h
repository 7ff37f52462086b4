#pragma once
// Folding an unfinished apply's journal into the stack record it started from, so the record
// says what exists after a Ctrl-C, a killed CI job or a crash: each op-end moves its resource
// to the state the operation produced; an op-begin with no end is "in doubt" (the call may or
// may not have happened) and is settled by reading live state (SettleInDoubt).

#include <string>
#include <vector>

#include "provider/provider.h"
#include "stackapi/stack_record.h"

namespace sf::apply {

struct FoldResult {
  stackapi::StackRecord record;
  std::vector<stackapi::JournalEntry> in_doubt;  // op-begins without an end, in order
  size_t completed = 0;                          // operations that ended (done or failed)
};

// `entries`: the journal in seq order (entries of other applies are skipped).
FoldResult FoldJournal(const stackapi::StackRecord& record,
                       const std::vector<stackapi::JournalEntry>& entries,
                       const std::string& apply_id);

// Settles one in-doubt operation from the resource's live state: a create happened if the
// resource exists and was created no earlier than the op-begin (an older one is someone
// else's); a delete happened if it is absent; an update is left to the next plan, which
// compares live state with the template anyway. Returns a note saying what was decided.
std::string SettleInDoubt(stackapi::StackRecord& record, const stackapi::JournalEntry& begin,
                          const provider::LiveState& live);

}  // namespace sf::apply
