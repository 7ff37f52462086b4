// ObjectStore::CompleteMultipartUpload: validation, then a streamed concatenation.

#include <algorithm>

#include "engine/bucket/digest.h"
#include "engine/bucket/object_format.h"
#include "engine/bucket/object_store.h"

namespace sf::engine {
namespace {

constexpr size_t kConcatChunk = 1 << 20;

struct OpenPart {
  std::unique_ptr<ReadableFile> file;
  ObjectInfo info;
};

std::string BareEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

std::string PartPath(const std::string& dir, int part_number) {
  char name[32];
  std::snprintf(name, sizeof(name), "/part-%05d.obj", part_number);
  return dir + name;
}

// Opens every listed part, checking order, ETags and sizes in S3's order of errors. The open
// descriptors keep the parts readable even if the upload is aborted meanwhile.
StoreResult<std::vector<OpenPart>> OpenParts(FileSystem* fs, const std::string& dir,
                                             const std::vector<CompletedPart>& parts) {
  if (parts.empty()) {
    return StoreFail(StoreErrorCode::kInvalidRequest, "you must specify at least one part");
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].part_number < 1 || parts[i].part_number > kMaxPartNumber ||
        (i > 0 && parts[i].part_number <= parts[i - 1].part_number)) {
      return StoreFail(StoreErrorCode::kInvalidPartOrder,
                       "the list of parts was not in ascending order");
    }
  }
  std::vector<OpenPart> open;
  for (const CompletedPart& part : parts) {
    auto invalid = StoreFail(StoreErrorCode::kInvalidPart,
                             "part " + std::to_string(part.part_number) +
                                 " could not be found or its ETag did not match");
    auto file = fs->NewReadableFile(PartPath(dir, part.part_number));
    if (!file && file.error().code == StoreErrorCode::kNoSuchKey) return invalid;
    if (!file) return tl::unexpected(file.error());
    auto info = ReadTrailer(**file);
    if (!info) return tl::unexpected(info.error());
    if (BareEtag(info->etag) != BareEtag(part.etag)) return invalid;
    open.push_back({std::move(*file), std::move(*info)});
  }
  for (size_t i = 0; i + 1 < open.size(); ++i) {
    if (open[i].info.size < kMinPartBytes) {
      return StoreFail(StoreErrorCode::kEntityTooSmall,
                       "part " + std::to_string(parts[i].part_number) +
                           " is smaller than the minimum allowed size (5 MiB)");
    }
  }
  return open;
}

StoreStatus Concatenate(std::vector<OpenPart>& parts, StagedFile& staged) {
  std::string buffer(kConcatChunk, '\0');
  for (OpenPart& part : parts) {
    for (uint64_t offset = 0; offset < part.info.size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(kConcatChunk, part.info.size - offset));
      auto got = part.file->ReadAt(offset, n, buffer.data());
      if (!got) return tl::unexpected(got.error());
      if (*got != n) return StoreFail(StoreErrorCode::kInternalError, "a part file is short");
      auto status = staged.Append(std::string_view(buffer.data(), n));
      if (!status) return status;
      offset += n;
    }
  }
  return {};
}

}  // namespace

StoreResult<ObjectInfo> ObjectStore::CompleteMultipartUpload(
    const std::string& bucket_name, const std::string& key, const std::string& upload_id,
    const std::vector<CompletedPart>& parts) {
  auto complete = [&]() -> StoreResult<ObjectInfo> {
    auto bucket = Find(bucket_name);
    if (!bucket) return tl::unexpected(bucket.error());
    auto dir = UploadDir(**bucket, key, upload_id);
    if (!dir) return tl::unexpected(dir.error());
    auto record = ReadObjectFile(fs_, *dir + "/upload.obj");
    if (!record) return tl::unexpected(record.error());
    auto open = OpenParts(fs_, *dir, parts);
    if (!open) return tl::unexpected(open.error());
    auto staged = StagedFile::Create(fs_, (*bucket)->objects_dir(), false);
    if (!staged) return tl::unexpected(staged.error());
    auto status = Concatenate(*open, **staged);
    if (!status) return tl::unexpected(status.error());
    std::string digests;
    for (const OpenPart& part : *open) {
      std::string bare = BareEtag(part.info.etag);
      digests += HexDecode(bare);
    }
    ObjectInfo info;
    info.key = key;
    info.size = (*staged)->size();
    info.metadata = record->metadata;
    info.part_count = static_cast<uint32_t>(open->size());
    info.etag = "\"" + Md5Hex(digests) + "-" + std::to_string(open->size()) + "\"";
    auto installed = (*bucket)->Install(**staged, std::move(info));
    if (!installed) return installed;
    // The object is in place; a crash before this line leaves an upload that Abort removes.
    (void)fs_->RemoveTree(*dir);
    (void)fs_->SyncDirectory((*bucket)->uploads_dir());
    return installed;
  };
  return Count(complete_upload_, complete());
}

}  // namespace sf::engine
