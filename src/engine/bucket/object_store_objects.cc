// ObjectStore: object operations (put, get, head, delete, copy, list).

#include <algorithm>

#include "engine/bucket/object_key.h"
#include "engine/bucket/object_store.h"

namespace sf::engine {
namespace {

constexpr size_t kCopyChunk = 1 << 20;

StoreStatus CheckConditions(const Conditions& conditions, const ObjectInfo& info) {
  switch (EvaluateConditions(conditions, info.etag, info.last_modified_ms)) {
    case ConditionOutcome::kProceed:
      return {};
    case ConditionOutcome::kPreconditionFailed:
      return StoreFail(StoreErrorCode::kPreconditionFailed,
                       "at least one of the preconditions you specified did not hold");
    case ConditionOutcome::kNotModified: {
      StoreError error{StoreErrorCode::kNotModified, "not modified", info.etag,
                       info.last_modified_ms};
      return tl::unexpected(std::move(error));
    }
  }
  return {};
}

}  // namespace

StoreResult<std::unique_ptr<ObjectWriter>> ObjectStore::NewObjectWriter(
    const std::string& bucket_name, const std::string& key, const ObjectMetadata& metadata) {
  auto make = [&]() -> StoreResult<std::unique_ptr<ObjectWriter>> {
    auto valid = ValidateKey(key);
    if (!valid) return tl::unexpected(valid.error());
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto staged = StagedFile::Create(fs_, (*bucket)->objects_dir(), true, hasher_.get());
    if (!staged) return tl::unexpected(staged.error());
    ObjectInfo info;
    info.key = key;
    info.metadata = NormalizeMetadata(metadata);
    std::shared_ptr<Bucket> target = *bucket;
    auto committer = [this, target](StagedFile& file, ObjectInfo object) {
      auto result = target->Install(file, std::move(object));
      if (!result) errors_.fetch_add(1, std::memory_order_relaxed);
      return result;
    };
    return std::make_unique<ObjectWriter>(std::move(*staged), std::move(info), committer);
  };
  return Count(put_, make());
}

StoreResult<ObjectInfo> ObjectStore::PutObject(const std::string& bucket, const std::string& key,
                                               const ObjectMetadata& metadata,
                                               std::string_view body) {
  auto writer = NewObjectWriter(bucket, key, metadata);
  if (!writer) return tl::unexpected(writer.error());
  auto status = (*writer)->Write(body);
  if (!status) return tl::unexpected(status.error());
  return (*writer)->Commit();
}

StoreResult<std::unique_ptr<ObjectReader>> ObjectStore::GetObject(const std::string& bucket_name,
                                                                  const std::string& key,
                                                                  const GetRequest& request) {
  auto get = [&]() -> StoreResult<std::unique_ptr<ObjectReader>> {
    auto valid = ValidateKey(key);
    if (!valid) return tl::unexpected(valid.error());
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto opened = (*bucket)->Open(key);
    if (!opened) return tl::unexpected(opened.error());
    auto status = CheckConditions(request.conditions, opened->info);
    if (!status) return tl::unexpected(status.error());
    ByteRange range{0, opened->info.size == 0 ? 0 : opened->info.size - 1};
    if (request.range) {
      auto resolved = ResolveRange(*request.range, opened->info.size);
      if (!resolved) return tl::unexpected(resolved.error());
      range = *resolved;
    }
    return std::make_unique<ObjectReader>(std::move(opened->file), std::move(opened->info), range,
                                          request.range.has_value());
  };
  return Count(get_, get());
}

StoreResult<ObjectInfo> ObjectStore::HeadObject(const std::string& bucket_name,
                                                const std::string& key,
                                                const Conditions& conditions) {
  auto head = [&]() -> StoreResult<ObjectInfo> {
    auto valid = ValidateKey(key);
    if (!valid) return tl::unexpected(valid.error());
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto opened = (*bucket)->Open(key);
    if (!opened) return tl::unexpected(opened.error());
    auto status = CheckConditions(conditions, opened->info);
    if (!status) return tl::unexpected(status.error());
    return std::move(opened->info);
  };
  return Count(head_, head());
}

StoreStatus ObjectStore::DeleteObject(const std::string& bucket_name, const std::string& key) {
  auto remove = [&]() -> StoreStatus {
    auto valid = ValidateKey(key);
    if (!valid) return valid;
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    return (*bucket)->Remove(key);
  };
  return Count(remove_, remove());
}

StoreResult<std::vector<DeleteResult>> ObjectStore::DeleteObjects(
    const std::string& bucket_name, const std::vector<std::string>& keys) {
  auto bucket = Find(bucket_name);
  if (!bucket)
    return Count(remove_, StoreResult<std::vector<DeleteResult>>(tl::unexpected(bucket.error())));
  std::vector<DeleteResult> results;
  for (const std::string& key : keys) {
    auto status = DeleteObject(bucket_name, key);
    results.push_back({key, status ? std::nullopt : std::optional<StoreError>(status.error())});
  }
  return results;
}

StoreResult<ObjectInfo> ObjectStore::CopyObject(const CopyRequest& request) {
  auto copy = [&]() -> StoreResult<ObjectInfo> {
    bool same = request.source_bucket == request.bucket && request.source_key == request.key;
    if (same && request.directive == MetadataDirective::kCopy) {
      return StoreFail(StoreErrorCode::kInvalidRequest,
                       "this copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata");
    }
    auto source = Find(request.source_bucket);
    if (!source) return tl::unexpected(source.error());
    auto valid = ValidateKey(request.source_key);
    if (!valid) return tl::unexpected(valid.error());
    auto opened = (*source)->Open(request.source_key);
    if (!opened) return tl::unexpected(opened.error());
    auto status = CheckConditions(request.source_conditions, opened->info);
    if (!status) {  // for copies every failed condition is a 412
      return StoreFail(StoreErrorCode::kPreconditionFailed, status.error().message);
    }
    const ObjectMetadata& metadata =
        request.directive == MetadataDirective::kCopy ? opened->info.metadata : request.metadata;
    auto writer = NewObjectWriter(request.bucket, request.key, metadata);
    if (!writer) return tl::unexpected(writer.error());
    std::string buffer(kCopyChunk, '\0');
    for (uint64_t offset = 0; offset < opened->info.size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kCopyChunk, opened->info.size - offset));
      auto got = opened->file->ReadAt(offset, n, buffer.data());
      if (!got) return tl::unexpected(got.error());
      if (*got != n) return StoreFail(StoreErrorCode::kInternalError, "source object is short");
      status = (*writer)->Write(std::string_view(buffer.data(), n));
      if (!status) return tl::unexpected(status.error());
      offset += n;
    }
    return (*writer)->Commit();
  };
  return Count(copy_, copy());
}

StoreResult<ListResult> ObjectStore::ListObjectsV2(const std::string& bucket_name,
                                                   const ListRequest& request) const {
  auto list = [&]() -> StoreResult<ListResult> {
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    return (*bucket)->List(request);
  };
  return Count(list_, list());
}

}  // namespace sf::engine
