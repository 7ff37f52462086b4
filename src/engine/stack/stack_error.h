#pragma once
// The refusals of the stack store, as values: which rule refused (the wire's "__type"), a
// message for people, and the extra members the wire contract gives each refusal
// (src/stackapi/stack_record.h): {"revision"} for RevisionMismatch, {"export", "importer"} for
// ExportInUse, {"export", "stack"} for ExportExists, {"lock"} (the holder) for StackLocked.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "base/result.h"

namespace sf::engine {

enum class StackFailure {
  kInvalid,           // the request is malformed (ValidationException)
  kNotFound,          // StackNotFound
  kLockNotHeld,       // the caller's lock id is not the stack's live lock
  kStackLocked,       // another holder has a live lock
  kRevisionMismatch,  // expectRevision is not the current revision
  kExportInUse,       // another stack of the stage imports an export that would change
  kExportExists,      // another stack of the stage exports the same name
  kIo,                // the database failed (InternalFailure)
};

struct StackError {
  StackFailure failure = StackFailure::kIo;
  std::string message;
  nlohmann::json detail = nlohmann::json::object();
};

template <class T>
using StackResult = tl::expected<T, StackError>;

inline tl::unexpected<StackError> StackFail(StackFailure failure, std::string message,
                                            nlohmann::json detail = nlohmann::json::object()) {
  return tl::unexpected<StackError>(StackError{failure, std::move(message), std::move(detail)});
}

// A failure of the database underneath.
inline tl::unexpected<StackError> StackFail(const Error& error) {
  return StackFail(StackFailure::kIo, error.message);
}

// The wire's error type: "ValidationException", "StackNotFound", "LockNotHeld", ...
std::string_view StackFailureName(StackFailure failure);
// The HTTP status the wire contract gives it: 400, 404, 409 or 500.
int StackFailureStatus(StackFailure failure);

}  // namespace sf::engine
