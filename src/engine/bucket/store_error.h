#pragma once
// Errors of the object store. The codes are S3's error codes (plus the store's own disk-full
// and internal cases), so the S3 API layer maps each one to an XML error and HTTP status with
// S3ErrorCode() and HttpStatus(). The type mirrors sf::Result (tl::expected) because
// sf::ErrorCode is too coarse for S3's error vocabulary; ToError() converts when needed.

#include <cstdint>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

#include "base/result.h"

namespace sf::engine {

enum class StoreErrorCode {
  kNoSuchBucket,
  kNoSuchKey,
  kBucketAlreadyOwnedByYou,
  kBucketAlreadyExists,  // never returned: the store has a single owner
  kBucketNotEmpty,
  kInvalidBucketName,
  kKeyTooLong,
  kInvalidArgument,  // e.g. an empty key, a part number outside 1-10000
  kInvalidRequest,   // e.g. copying an object onto itself without changing anything
  kNoSuchUpload,
  kInvalidPart,
  kInvalidPartOrder,
  kEntityTooSmall,
  kInvalidRange,
  kPreconditionFailed,
  kNotModified,
  kBadDigest,    // the body's MD5 is not the Content-MD5 the client sent: nothing was stored
  kStorageFull,  // ENOSPC / EDQUOT: nothing was made visible
  kInternalError,
};

struct StoreError {
  StoreErrorCode code = StoreErrorCode::kInternalError;
  std::string message;
  // For kNotModified: the object's validators, which a 304 response still carries.
  std::string etag;
  int64_t last_modified_ms = 0;
};

template <class T>
using StoreResult = tl::expected<T, StoreError>;
using StoreStatus = tl::expected<void, StoreError>;

inline tl::unexpected<StoreError> StoreFail(StoreErrorCode code, std::string message) {
  return tl::unexpected<StoreError>(StoreError{code, std::move(message), {}, 0});
}

// S3's name for the code ("NoSuchKey", ...). kStorageFull maps to "InternalError" (S3 has no
// disk-full error); kNotModified to "NotModified".
std::string_view S3ErrorCode(StoreErrorCode code);
// The HTTP status S3 uses for the code (404, 409, 412, 304, 416, ...).
int HttpStatus(StoreErrorCode code);
// The error as an sf::Error (kNotFound, kInvalidArgument, kIo or kInternal).
Error ToError(const StoreError& error);

}  // namespace sf::engine
