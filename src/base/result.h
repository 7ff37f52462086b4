#pragma once
// Errors as values (see docs/architecture.md). Below the CLI nothing throws: functions that
// can fail return Result<T>; exceptions from third-party libraries are caught where they are
// called and turned into an Error.

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace sf {

enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong
  kNotFound,         // a named thing does not exist
  kIo,               // the file system failed
  kParse,            // a document could not be read
  kInternal,         // a bug: an invariant did not hold
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

// Status is Result<void>: success carries nothing.
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace sf
