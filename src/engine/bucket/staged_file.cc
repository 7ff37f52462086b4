#include "engine/bucket/staged_file.h"

#include <unistd.h>

#include <atomic>
#include <random>

#include "engine/bucket/object_format.h"
#include "engine/bucket/object_key.h"

namespace sf::engine {

std::string TempFileName() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = [] {
    std::random_device device;
    return (uint64_t{device()} << 32) | device();
  }();
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  return std::string(kTempPrefix) + std::to_string(::getpid()) + "-" + std::to_string(n) + "-" +
         std::to_string(salt & 0xffffff);
}

StoreResult<std::unique_ptr<StagedFile>> StagedFile::Create(FileSystem* fs,
                                                            const std::string& directory, bool hash,
                                                            Md5Hasher* hasher) {
  std::string path = directory + "/" + TempFileName();
  auto file = fs->NewWritableFile(path);
  if (!file) return tl::unexpected(file.error());
  std::shared_ptr<Md5Hasher::Stream> stream;
  if (hash && hasher != nullptr) {
    if (auto reader = (*file)->OpenReader()) stream = hasher->Open(std::move(*reader));
  }
  auto staged = std::unique_ptr<StagedFile>(new StagedFile(fs, path, std::move(*file), hash));
  staged->stream_ = std::move(stream);
  return staged;
}

StoreResult<Md5::Digest> StagedFile::Md5Digest() {
  if (stream_) return stream_->Finish(size_);
  return md5_.Finish();
}

StagedFile::~StagedFile() { Discard(); }

StoreStatus StagedFile::FailAndDiscard(StoreError error) {
  Discard();
  return tl::unexpected(std::move(error));
}

StoreStatus StagedFile::Append(std::string_view data) {
  if (done_ || sealed_) return StoreFail(StoreErrorCode::kInternalError, "append after seal");
  auto status = file_->Append(data);
  if (!status) return FailAndDiscard(status.error());
  size_ += data.size();
  if (stream_) {
    stream_->Advance(size_);
  } else if (hash_) {
    md5_.Update(data);
  }
  return {};
}

StoreStatus StagedFile::Seal(const ObjectInfo& info) {
  if (done_ || sealed_) return StoreFail(StoreErrorCode::kInternalError, "sealed twice");
  if (info.size != size_) return FailAndDiscard({StoreErrorCode::kInternalError, "size", {}, 0});
  auto status = file_->Append(EncodeTrailer(info));
  if (status) status = file_->Sync();
  if (status) status = file_->Close();
  if (!status) return FailAndDiscard(status.error());
  sealed_ = true;
  return {};
}

StoreStatus StagedFile::Install(const std::string& path) {
  if (done_ || !sealed_) return StoreFail(StoreErrorCode::kInternalError, "install unsealed");
  auto status = fs_->Rename(path_, path);
  if (!status) return FailAndDiscard(status.error());
  done_ = true;
  return {};
}

void StagedFile::Discard() {
  if (done_) return;
  done_ = true;
  if (stream_) stream_->Cancel();
  if (file_) (void)file_->Close();
  (void)fs_->RemoveFile(path_);
}

}  // namespace sf::engine
