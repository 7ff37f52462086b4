#include "engine/bucket/bucket.h"

#include <mutex>

#include "base/strings.h"
#include "engine/bucket/object_format.h"
#include "engine/bucket/object_key.h"

namespace sf::engine {
namespace {

constexpr char kBucketRecord[] = "bucket.obj";
constexpr char kUploadRecord[] = "upload.obj";

bool EndsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         std::string_view(text).substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

StoreResult<ObjectInfo> ReadObjectFile(FileSystem* fs, const std::string& path) {
  auto file = fs->NewReadableFile(path);
  if (!file) return tl::unexpected(file.error());
  return ReadTrailer(**file);
}

StoreResult<std::shared_ptr<Bucket>> Bucket::Create(FileSystem* fs, const Clock* clock,
                                                    const std::string& root,
                                                    const std::string& name) {
  std::string temp = root + "/" + TempFileName();
  auto status = fs->CreateDirectories(temp + "/objects");
  if (status) status = fs->CreateDirectories(temp + "/uploads");
  ObjectInfo record;
  record.key = name;
  record.last_modified_ms = clock->NowMs();
  if (status) {
    auto staged = StagedFile::Create(fs, temp, false);
    if (!staged) {
      status = tl::unexpected(staged.error());
    } else {
      status = (*staged)->Seal(record);
      if (status) status = (*staged)->Install(temp + "/" + kBucketRecord);
    }
  }
  if (status) status = fs->SyncDirectory(temp);
  if (status) status = fs->Rename(temp, root + "/" + name);
  if (!status) {
    (void)fs->RemoveTree(temp);
    return tl::unexpected(status.error());
  }
  status = fs->SyncDirectory(root);
  if (!status) return tl::unexpected(status.error());
  return std::shared_ptr<Bucket>(
      new Bucket(fs, clock, root + "/" + name, name, record.last_modified_ms));
}

StoreResult<std::shared_ptr<Bucket>> Bucket::Load(FileSystem* fs, const Clock* clock,
                                                  const std::string& root, const std::string& name,
                                                  StoreRecoveryStats* stats) {
  std::string dir = root + "/" + name;
  auto record = ReadObjectFile(fs, dir + "/" + kBucketRecord);
  if (!record) return tl::unexpected(record.error());
  std::shared_ptr<Bucket> bucket(new Bucket(fs, clock, dir, name, record->last_modified_ms));
  auto status = fs->CreateDirectories(bucket->objects_dir());
  if (status) status = fs->CreateDirectories(bucket->uploads_dir());
  if (status) status = bucket->Scan(stats);
  if (status) status = bucket->ScanUploads(stats);
  if (!status) return tl::unexpected(status.error());
  return bucket;
}

StoreStatus Bucket::Scan(StoreRecoveryStats* stats) {
  auto entries = fs_->ListDirectory(objects_dir());
  if (!entries) return tl::unexpected(entries.error());
  for (const DirEntry& entry : *entries) {
    std::string path = objects_dir() + "/" + entry.name;
    if (entry.is_directory) continue;
    if (StartsWith(entry.name, kTempPrefix)) {
      (void)fs_->RemoveFile(path);
      ++stats->removed_temp_files;
      continue;
    }
    if (!EndsWith(entry.name, kObjectSuffix)) continue;  // not ours: left alone
    auto info = ReadObjectFile(fs_, path);
    if (!info || ObjectFileName(info->key) != entry.name) {
      (void)fs_->RemoveFile(path);
      ++stats->removed_invalid_files;
      continue;
    }
    index_.Put(info->key, ObjectIndexEntry{info->size, info->etag, info->last_modified_ms});
    bytes_ += info->size;
    ++stats->objects;
  }
  return {};
}

StoreStatus Bucket::ScanUploads(StoreRecoveryStats* stats) {
  auto uploads = fs_->ListDirectory(uploads_dir());
  if (!uploads) return tl::unexpected(uploads.error());
  for (const DirEntry& upload : *uploads) {
    std::string dir = uploads_dir() + "/" + upload.name;
    if (!upload.is_directory || !ReadObjectFile(fs_, dir + "/" + kUploadRecord)) {
      (void)fs_->RemoveTree(dir);
      ++stats->removed_uploads;
      continue;
    }
    auto parts = fs_->ListDirectory(dir);
    if (!parts) return tl::unexpected(parts.error());
    for (const DirEntry& part : *parts) {
      std::string path = dir + "/" + part.name;
      if (StartsWith(part.name, kTempPrefix)) {
        (void)fs_->RemoveFile(path);
        ++stats->removed_temp_files;
      } else if (part.name != kUploadRecord && !ReadObjectFile(fs_, path)) {
        (void)fs_->RemoveFile(path);
        ++stats->removed_invalid_files;
      }
    }
  }
  return {};
}

StoreResult<ObjectInfo> Bucket::Install(StagedFile& staged, ObjectInfo info) {
  info.last_modified_ms = clock_->NowMs();
  auto status = staged.Seal(info);
  if (!status) return tl::unexpected(status.error());
  {
    std::unique_lock lock(mu_);
    if (deleted_) {
      staged.Discard();
      return StoreFail(StoreErrorCode::kNoSuchBucket, "the bucket " + name_ + " was deleted");
    }
    status = staged.Install(objects_dir() + "/" + ObjectFileName(info.key));
    if (!status) return tl::unexpected(status.error());
    auto old = index_.Put(info.key, ObjectIndexEntry{info.size, info.etag, info.last_modified_ms});
    bytes_ += info.size - old.value_or(0);  // modular: one atomic step
  }
  // The object is visible from here; a failed directory sync is reported but cannot undo it.
  status = fs_->SyncDirectory(objects_dir());
  if (!status) return tl::unexpected(status.error());
  return info;
}

StoreStatus Bucket::Remove(const std::string& key) {
  {
    std::unique_lock lock(mu_);
    if (deleted_) return StoreFail(StoreErrorCode::kNoSuchBucket, "no bucket " + name_);
    auto status = fs_->RemoveFile(objects_dir() + "/" + ObjectFileName(key));
    if (!status) return status;
    auto old = index_.Erase(key);
    if (!old) return {};
    bytes_ -= *old;
  }
  return fs_->SyncDirectory(objects_dir());
}

StoreResult<ListResult> Bucket::List(const ListRequest& request) const {
  std::shared_lock lock(mu_);
  return index_.List(request);
}

StoreResult<Bucket::Opened> Bucket::Open(const std::string& key) const {
  auto file = fs_->NewReadableFile(objects_dir() + "/" + ObjectFileName(key));
  if (!file) {
    if (file.error().code == StoreErrorCode::kNoSuchKey) {
      return StoreFail(StoreErrorCode::kNoSuchKey, "no such key in bucket " + name_);
    }
    return tl::unexpected(file.error());
  }
  auto info = ReadTrailer(**file);
  if (!info) return tl::unexpected(info.error());
  if (info->key != key) {  // a hashed name shared by two keys: practically impossible
    return StoreFail(StoreErrorCode::kNoSuchKey, "no such key in bucket " + name_);
  }
  return Opened{std::move(*file), std::move(*info)};
}

StoreStatus Bucket::DeleteIfEmpty(const std::string& root) {
  std::unique_lock lock(mu_);
  if (deleted_) return StoreFail(StoreErrorCode::kNoSuchBucket, "no bucket " + name_);
  if (!index_.empty()) {
    return StoreFail(StoreErrorCode::kBucketNotEmpty, "the bucket " + name_ + " is not empty");
  }
  // Renamed away first so a crash mid-removal never leaves a half-deleted bucket visible.
  std::string doomed = root + "/" + TempFileName();
  auto status = fs_->Rename(dir_, doomed);
  if (!status) return status;
  deleted_ = true;
  (void)fs_->SyncDirectory(root);
  (void)fs_->RemoveTree(doomed);
  return {};
}

uint64_t Bucket::object_count() const {
  std::shared_lock lock(mu_);
  return index_.size();
}

}  // namespace sf::engine
