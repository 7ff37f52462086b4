#pragma once
// A file being written under a temporary name (".tmp-<unique>") in the directory where it will
// live, so that installing it is one rename(2) and a reader never sees it partly written.
// Appends update its size and (optionally) its MD5 as the bytes stream through: hashed on the
// appending thread, or, given a Md5Hasher, by the hasher reading the file back alongside.
//
// Life cycle: Create -> Append* -> Seal(info) (trailer, fdatasync, close) -> Install(path)
// (rename). Any failure, Discard(), or destruction before Install removes the temporary file.
// Not thread-safe: one thread drives one StagedFile.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/bucket/digest.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/md5_hasher.h"
#include "engine/bucket/object_info.h"

namespace sf::engine {

class StagedFile {
 public:
  // A new temporary file in `directory`. With `hash` false, Md5Digest() is meaningless. With
  // `hasher` (and a file that can be read back), the hasher computes the MD5; otherwise Append
  // does.
  static StoreResult<std::unique_ptr<StagedFile>> Create(FileSystem* fs,
                                                         const std::string& directory, bool hash,
                                                         Md5Hasher* hasher = nullptr);
  ~StagedFile();
  StagedFile(const StagedFile&) = delete;
  StagedFile& operator=(const StagedFile&) = delete;

  StoreStatus Append(std::string_view data);
  uint64_t size() const { return size_; }
  // The MD5 of the data appended so far; call once, before Seal. Waits for the hasher, if any;
  // an error if it could not read the file back.
  StoreResult<Md5::Digest> Md5Digest();
  // Appends the trailer describing `info` (whose size must equal size()), syncs and closes.
  StoreStatus Seal(const ObjectInfo& info);
  // Renames the sealed file to `path`; on failure the temporary file is removed.
  StoreStatus Install(const std::string& path);
  // Removes the temporary file (idempotent; no-op after Install).
  void Discard();

 private:
  StagedFile(FileSystem* fs, std::string path, std::unique_ptr<WritableFile> file, bool hash)
      : fs_(fs), path_(std::move(path)), file_(std::move(file)), hash_(hash) {}
  StoreStatus FailAndDiscard(StoreError error);

  FileSystem* fs_;
  std::string path_;
  std::unique_ptr<WritableFile> file_;
  bool hash_;
  Md5 md5_;                                    // when hashing here
  std::shared_ptr<Md5Hasher::Stream> stream_;  // when a Md5Hasher hashes
  uint64_t size_ = 0;
  bool sealed_ = false;
  bool done_ = false;  // installed or discarded
};

// A fresh name for a temporary file: ".tmp-<pid>-<counter>-<random>". Thread-safe.
std::string TempFileName();

}  // namespace sf::engine
