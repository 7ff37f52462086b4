#pragma once
// Streaming object bodies: ObjectWriter takes the body in pieces, ObjectReader hands it back in
// pieces, so no object ever has to sit in memory whole.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/bucket/conditions.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/object_info.h"
#include "engine/bucket/staged_file.h"

namespace sf::engine {

// Writes one object (or one multipart part) to a temporary file, computing its MD5 and size as
// the pieces arrive. Nothing is visible until Commit() returns success; Abort(), a failed
// Write or Commit, or destruction without Commit removes the temporary file.
// Not thread-safe: one thread drives one writer (different writers run in parallel).
class ObjectWriter {
 public:
  // Makes the staged file visible; receives it with info.size and info.etag filled in.
  using Committer = std::function<StoreResult<ObjectInfo>(StagedFile&, ObjectInfo)>;

  ObjectWriter(std::unique_ptr<StagedFile> staged, ObjectInfo info, Committer committer)
      : staged_(std::move(staged)), info_(std::move(info)), committer_(std::move(committer)) {}
  ~ObjectWriter() { Abort(); }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // Appends a piece of the body. After an error the writer is finished (nothing visible).
  StoreStatus Write(std::string_view piece);
  // Makes the object visible atomically and returns its metadata (ETag = quoted hex MD5).
  // A writer commits at most once. With `expected_md5_hex` (lowercase hex, from Content-MD5)
  // a body whose MD5 differs fails with kBadDigest and nothing becomes visible.
  StoreResult<ObjectInfo> Commit(std::string_view expected_md5_hex = {});
  // Discards everything written (idempotent; no-op after Commit).
  void Abort();
  uint64_t bytes_written() const { return staged_ ? staged_->size() : 0; }

 private:
  std::unique_ptr<StagedFile> staged_;  // null once finished
  ObjectInfo info_;
  Committer committer_;
};

// Reads one object as it was when GetObject opened it: a later put or delete of the same key
// does not affect an open reader (it holds the old file). The selected range is what the
// request asked for (the whole object without a Range). ReadAt may be called from several
// threads; Next is for one thread.
class ObjectReader {
 public:
  ObjectReader(std::unique_ptr<ReadableFile> file, ObjectInfo info, ByteRange range, bool ranged)
      : file_(std::move(file)),
        info_(std::move(info)),
        range_(range),
        ranged_(ranged),
        position_(range.first) {}

  const ObjectInfo& info() const { return info_; }
  // True when a Range was applied (the API answers 206 with Content-Range).
  bool ranged() const { return ranged_; }
  uint64_t first() const { return range_.first; }
  // Bytes in the selected range (0 for an empty object).
  uint64_t length() const { return info_.size == 0 ? 0 : range_.length(); }
  // The object file's descriptor (the data starts at offset 0), for zero-copy sends; -1 when
  // the file system gives none. Valid while the reader lives.
  int fd() const { return file_->fd(); }

  // Up to n bytes at `offset` of the object (not of the range) into dst; fewer at its end.
  StoreResult<size_t> ReadAt(uint64_t offset, size_t n, char* dst) const;
  // The next at most `max_bytes` of the selected range into *piece; an empty piece at the end.
  StoreStatus Next(size_t max_bytes, std::string* piece);
  // The rest of the selected range as one string (small objects, tests).
  StoreResult<std::string> ReadAll();

 private:
  std::unique_ptr<ReadableFile> file_;
  ObjectInfo info_;
  ByteRange range_;
  bool ranged_;
  uint64_t position_;
};

}  // namespace sf::engine
