// ObjectStore: multipart uploads. An upload is the directory <bucket>/uploads/<id>/ holding
// upload.obj (the key and metadata, as an object file without data) and one object file per
// part, part-NNNNN.obj. Complete streams the parts into a staged file in objects/ and installs
// it like a put, then removes the upload directory.

#include <algorithm>
#include <cstdio>
#include <random>

#include "base/strings.h"
#include "engine/bucket/object_key.h"
#include "engine/bucket/object_store.h"

namespace sf::engine {
namespace {

constexpr char kUploadRecord[] = "upload.obj";
constexpr size_t kUploadIdHexChars = 32;

// 32 hex digits: the start time (12 digits of milliseconds) and 80 random bits, so that the
// uploads of one key sort by when they began (ListMultipartUploads' order and paging).
std::string NewUploadId(int64_t now_ms) {
  thread_local std::mt19937_64 random(std::random_device{}());
  char text[kUploadIdHexChars + 1];
  std::snprintf(text, sizeof(text), "%012llx%04llx%016llx",
                static_cast<unsigned long long>(now_ms) & 0xFFFFFFFFFFFFull,
                static_cast<unsigned long long>(random() & 0xFFFF),
                static_cast<unsigned long long>(random()));
  return text;
}

bool IsUploadId(const std::string& id) {
  return id.size() == kUploadIdHexChars && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string PartFileName(int part_number) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05d.obj", part_number);
  return name;
}

// The part number of a part file name, or 0.
int PartNumberOf(const std::string& name) {
  int number = 0;
  char tail[8] = {};
  if (name.size() != 14 || std::sscanf(name.c_str(), "part-%5d%4s", &number, tail) != 2) return 0;
  return std::string(tail) == ".obj" ? number : 0;
}

tl::unexpected<StoreError> NoSuchUpload(const std::string& id) {
  return StoreFail(StoreErrorCode::kNoSuchUpload,
                   "the upload " + id + " does not exist; it may have been aborted or completed");
}

}  // namespace

StoreResult<std::string> ObjectStore::UploadDir(const Bucket& bucket, const std::string& key,
                                                const std::string& upload_id) const {
  if (!IsUploadId(upload_id)) return NoSuchUpload(upload_id);
  std::string dir = bucket.uploads_dir() + "/" + upload_id;
  auto record = ReadObjectFile(fs_, dir + "/" + kUploadRecord);
  if (!record || record->key != key) return NoSuchUpload(upload_id);
  return dir;
}

StoreResult<std::string> ObjectStore::CreateMultipartUpload(const std::string& bucket_name,
                                                            const std::string& key,
                                                            const ObjectMetadata& metadata) {
  auto create = [&]() -> StoreResult<std::string> {
    auto valid = ValidateKey(key);
    if (!valid) return tl::unexpected(valid.error());
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    const int64_t now_ms = clock_->NowMs();
    std::string id = NewUploadId(now_ms);
    std::string dir = (*bucket)->uploads_dir() + "/" + id;
    auto status = fs_->CreateDirectories(dir);
    if (!status) return tl::unexpected(status.error());
    ObjectInfo record;
    record.key = key;
    record.metadata = NormalizeMetadata(metadata);
    record.last_modified_ms = now_ms;
    auto staged = StagedFile::Create(fs_, dir, false);
    if (!staged) status = tl::unexpected(staged.error());
    if (status) status = (*staged)->Seal(record);
    if (status) status = (*staged)->Install(dir + "/" + kUploadRecord);
    if (status) status = fs_->SyncDirectory(dir);
    if (status) status = fs_->SyncDirectory((*bucket)->uploads_dir());
    if (!status) {
      (void)fs_->RemoveTree(dir);
      return tl::unexpected(status.error());
    }
    return id;
  };
  return Count(create_upload_, create());
}

StoreResult<std::unique_ptr<ObjectWriter>> ObjectStore::NewPartWriter(
    const std::string& bucket_name, const std::string& key, const std::string& upload_id,
    int part_number) {
  auto make = [&]() -> StoreResult<std::unique_ptr<ObjectWriter>> {
    if (part_number < 1 || part_number > kMaxPartNumber) {
      return StoreFail(StoreErrorCode::kInvalidArgument,
                       "part number must be an integer between 1 and 10000, inclusive");
    }
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto dir = UploadDir(**bucket, key, upload_id);
    if (!dir) return tl::unexpected(dir.error());
    auto staged = StagedFile::Create(fs_, *dir, true, hasher_.get());
    if (!staged) return tl::unexpected(staged.error());
    ObjectInfo info;
    info.key = key;
    std::string path = *dir + "/" + PartFileName(part_number);
    auto committer = [this, dir = *dir, path](StagedFile& file,
                                              ObjectInfo part) -> StoreResult<ObjectInfo> {
      part.last_modified_ms = clock_->NowMs();
      auto status = file.Seal(part);
      if (status) status = file.Install(path);
      if (status) status = fs_->SyncDirectory(dir);
      if (!status) {
        errors_.fetch_add(1, std::memory_order_relaxed);
        return tl::unexpected(status.error());
      }
      return part;
    };
    return std::make_unique<ObjectWriter>(std::move(*staged), std::move(info), committer);
  };
  return Count(upload_part_, make());
}

StoreResult<PartInfo> ObjectStore::UploadPart(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id, int part_number,
                                              std::string_view body) {
  auto writer = NewPartWriter(bucket, key, upload_id, part_number);
  if (!writer) return tl::unexpected(writer.error());
  auto status = (*writer)->Write(body);
  if (!status) return tl::unexpected(status.error());
  auto info = (*writer)->Commit();
  if (!info) return tl::unexpected(info.error());
  return PartInfo{part_number, info->etag, info->size, info->last_modified_ms};
}

StoreResult<std::vector<PartInfo>> ObjectStore::ListParts(const std::string& bucket_name,
                                                          const std::string& key,
                                                          const std::string& upload_id) const {
  auto bucket = Find(bucket_name);
  if (!bucket) return tl::unexpected(bucket.error());
  auto dir = UploadDir(**bucket, key, upload_id);
  if (!dir) return tl::unexpected(dir.error());
  auto entries = fs_->ListDirectory(*dir);
  if (!entries) return NoSuchUpload(upload_id);
  std::vector<PartInfo> parts;
  for (const DirEntry& entry : *entries) {
    int number = PartNumberOf(entry.name);
    if (number == 0) continue;
    auto info = ReadObjectFile(fs_, *dir + "/" + entry.name);
    if (!info) continue;  // replaced or aborted meanwhile
    parts.push_back({number, info->etag, info->size, info->last_modified_ms});
  }
  std::sort(parts.begin(), parts.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part_number < b.part_number; });
  return parts;
}

StoreResult<std::vector<UploadInfo>> ObjectStore::ListMultipartUploads(
    const std::string& bucket_name) const {
  auto bucket = Find(bucket_name);
  if (!bucket) return tl::unexpected(bucket.error());
  auto entries = fs_->ListDirectory((*bucket)->uploads_dir());
  if (!entries) return tl::unexpected(entries.error());
  std::vector<UploadInfo> uploads;
  for (const DirEntry& entry : *entries) {
    if (!IsUploadId(entry.name)) continue;
    auto record =
        ReadObjectFile(fs_, (*bucket)->uploads_dir() + "/" + entry.name + "/" + kUploadRecord);
    if (!record) continue;
    uploads.push_back({entry.name, record->key, record->last_modified_ms, record->metadata});
  }
  std::sort(uploads.begin(), uploads.end(), [](const UploadInfo& a, const UploadInfo& b) {
    return std::tie(a.key, a.upload_id) < std::tie(b.key, b.upload_id);
  });
  return uploads;
}

StoreStatus ObjectStore::AbortMultipartUpload(const std::string& bucket_name,
                                              const std::string& key,
                                              const std::string& upload_id) {
  auto abort = [&]() -> StoreStatus {
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto dir = UploadDir(**bucket, key, upload_id);
    if (!dir) return tl::unexpected(dir.error());
    auto status = fs_->RemoveTree(*dir);
    if (!status) return status;
    return fs_->SyncDirectory((*bucket)->uploads_dir());
  };
  return Count(abort_upload_, abort());
}

}  // namespace sf::engine
