#include "engine/bucket/object_io.h"

#include <algorithm>

namespace sf::engine {

StoreStatus ObjectWriter::Write(std::string_view piece) {
  if (!staged_) return StoreFail(StoreErrorCode::kInternalError, "the writer is finished");
  auto status = staged_->Append(piece);
  if (!status) staged_.reset();
  return status;
}

StoreResult<ObjectInfo> ObjectWriter::Commit(std::string_view expected_md5_hex) {
  if (!staged_) return StoreFail(StoreErrorCode::kInternalError, "the writer is finished");
  std::unique_ptr<StagedFile> staged = std::move(staged_);
  info_.size = staged->size();
  auto digest = staged->Md5Digest();
  if (!digest) return tl::unexpected(digest.error());  // `staged` removes its file
  std::string md5 = DigestHex(*digest);
  if (!expected_md5_hex.empty() && md5 != expected_md5_hex) {
    staged->Discard();
    return StoreFail(StoreErrorCode::kBadDigest,
                     "The Content-MD5 you specified did not match what we received.");
  }
  info_.etag = "\"" + md5 + "\"";
  return committer_(*staged, info_);
}

void ObjectWriter::Abort() {
  if (staged_) staged_->Discard();
  staged_.reset();
}

StoreResult<size_t> ObjectReader::ReadAt(uint64_t offset, size_t n, char* dst) const {
  if (offset >= info_.size) return size_t{0};
  n = static_cast<size_t>(std::min<uint64_t>(n, info_.size - offset));
  return file_->ReadAt(offset, n, dst);
}

StoreStatus ObjectReader::Next(size_t max_bytes, std::string* piece) {
  uint64_t end = range_.first + length();
  size_t n = static_cast<size_t>(std::min<uint64_t>(max_bytes, end - position_));
  piece->resize(n);
  if (n == 0) return {};
  auto got = file_->ReadAt(position_, n, piece->data());
  if (!got) return tl::unexpected(got.error());
  if (*got != n) return StoreFail(StoreErrorCode::kInternalError, "object file is short");
  position_ += n;
  return {};
}

StoreResult<std::string> ObjectReader::ReadAll() {
  std::string all;
  std::string piece;
  do {
    auto status = Next(1 << 20, &piece);
    if (!status) return tl::unexpected(status.error());
    all += piece;
  } while (!piece.empty());
  return all;
}

}  // namespace sf::engine
