#include "engine/bucket/store_error.h"

namespace sf::engine {

std::string_view S3ErrorCode(StoreErrorCode code) {
  switch (code) {
    case StoreErrorCode::kNoSuchBucket:
      return "NoSuchBucket";
    case StoreErrorCode::kNoSuchKey:
      return "NoSuchKey";
    case StoreErrorCode::kBucketAlreadyOwnedByYou:
      return "BucketAlreadyOwnedByYou";
    case StoreErrorCode::kBucketAlreadyExists:
      return "BucketAlreadyExists";
    case StoreErrorCode::kBucketNotEmpty:
      return "BucketNotEmpty";
    case StoreErrorCode::kInvalidBucketName:
      return "InvalidBucketName";
    case StoreErrorCode::kKeyTooLong:
      return "KeyTooLongError";
    case StoreErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case StoreErrorCode::kInvalidRequest:
      return "InvalidRequest";
    case StoreErrorCode::kNoSuchUpload:
      return "NoSuchUpload";
    case StoreErrorCode::kInvalidPart:
      return "InvalidPart";
    case StoreErrorCode::kInvalidPartOrder:
      return "InvalidPartOrder";
    case StoreErrorCode::kEntityTooSmall:
      return "EntityTooSmall";
    case StoreErrorCode::kInvalidRange:
      return "InvalidRange";
    case StoreErrorCode::kPreconditionFailed:
      return "PreconditionFailed";
    case StoreErrorCode::kNotModified:
      return "NotModified";
    case StoreErrorCode::kBadDigest:
      return "BadDigest";
    case StoreErrorCode::kStorageFull:
      return "InternalError";
    case StoreErrorCode::kInternalError:
      return "InternalError";
  }
  return "InternalError";
}

int HttpStatus(StoreErrorCode code) {
  switch (code) {
    case StoreErrorCode::kNoSuchBucket:
    case StoreErrorCode::kNoSuchKey:
    case StoreErrorCode::kNoSuchUpload:
      return 404;
    case StoreErrorCode::kBucketAlreadyOwnedByYou:
    case StoreErrorCode::kBucketAlreadyExists:
    case StoreErrorCode::kBucketNotEmpty:
      return 409;
    case StoreErrorCode::kPreconditionFailed:
      return 412;
    case StoreErrorCode::kNotModified:
      return 304;
    case StoreErrorCode::kInvalidRange:
      return 416;
    case StoreErrorCode::kStorageFull:
    case StoreErrorCode::kInternalError:
      return 500;
    default:
      return 400;
  }
}

Error ToError(const StoreError& error) {
  ErrorCode code = ErrorCode::kInvalidArgument;
  switch (error.code) {
    case StoreErrorCode::kNoSuchBucket:
    case StoreErrorCode::kNoSuchKey:
    case StoreErrorCode::kNoSuchUpload:
      code = ErrorCode::kNotFound;
      break;
    case StoreErrorCode::kStorageFull:
      code = ErrorCode::kIo;
      break;
    case StoreErrorCode::kInternalError:
      code = ErrorCode::kInternal;
      break;
    default:
      break;
  }
  return Error{code, std::string(S3ErrorCode(error.code)) + ": " + error.message};
}

}  // namespace sf::engine
