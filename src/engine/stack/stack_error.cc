#include "engine/stack/stack_error.h"

namespace sf::engine {

std::string_view StackFailureName(StackFailure failure) {
  switch (failure) {
    case StackFailure::kInvalid:
      return "ValidationException";
    case StackFailure::kNotFound:
      return "StackNotFound";
    case StackFailure::kLockNotHeld:
      return "LockNotHeld";
    case StackFailure::kStackLocked:
      return "StackLocked";
    case StackFailure::kRevisionMismatch:
      return "RevisionMismatch";
    case StackFailure::kExportInUse:
      return "ExportInUse";
    case StackFailure::kExportExists:
      return "ExportExists";
    case StackFailure::kIo:
      break;
  }
  return "InternalFailure";
}

int StackFailureStatus(StackFailure failure) {
  switch (failure) {
    case StackFailure::kInvalid:
      return 400;
    case StackFailure::kNotFound:
      return 404;
    case StackFailure::kIo:
      return 500;
    default:
      return 409;
  }
}

}  // namespace sf::engine
