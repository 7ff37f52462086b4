#pragma once
// Helpers for the object store tests: temporary directories, a fault-injecting file system.

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "engine/bucket/file_system.h"
#include "engine/bucket/object_store.h"

namespace sf::engine::testing_util {

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device device;
    path_ = (std::filesystem::temp_directory_path() /
             ("sf-bucket-" + std::to_string(device()) + std::to_string(device())))
                .string();
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Every regular file under `root`, relative to it.
inline std::vector<std::string> FilesUnder(const std::string& root) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files.push_back(std::filesystem::relative(entry.path(), root).string());
    }
  }
  return files;
}

// Files under `root` whose name starts with ".tmp-".
inline int CountTempFiles(const std::string& root) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().filename().string().rfind(".tmp-", 0) == 0) ++count;
  }
  return count;
}

// Wraps the POSIX file system; fails the chosen operation with ENOSPC once armed.
class FaultFileSystem final : public FileSystem {
 public:
  enum class Op { kNone, kWrite, kSync, kRename };
  void Arm(Op op) { armed_ = op; }

  StoreResult<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    auto file = base_->NewWritableFile(path);
    if (!file) return file;
    return std::unique_ptr<WritableFile>(new FaultFile(this, std::move(*file), path));
  }
  StoreResult<std::unique_ptr<ReadableFile>> NewReadableFile(const std::string& path) override {
    return base_->NewReadableFile(path);
  }
  StoreStatus Rename(const std::string& from, const std::string& to) override {
    if (armed_ == Op::kRename) return ErrnoFail(ENOSPC, "rename", from);
    return base_->Rename(from, to);
  }
  StoreStatus RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  StoreStatus SyncDirectory(const std::string& path) override { return base_->SyncDirectory(path); }
  StoreStatus CreateDirectories(const std::string& path) override {
    return base_->CreateDirectories(path);
  }
  StoreStatus RemoveTree(const std::string& path) override { return base_->RemoveTree(path); }
  StoreResult<std::vector<DirEntry>> ListDirectory(const std::string& path) override {
    return base_->ListDirectory(path);
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }

 private:
  class FaultFile final : public WritableFile {
   public:
    FaultFile(FaultFileSystem* fs, std::unique_ptr<WritableFile> base, std::string path)
        : fs_(fs), base_(std::move(base)), path_(std::move(path)) {}
    StoreStatus Append(std::string_view data) override {
      if (fs_->armed_ == Op::kWrite) return ErrnoFail(ENOSPC, "write", path_);
      return base_->Append(data);
    }
    StoreStatus Sync() override {
      if (fs_->armed_ == Op::kSync) return ErrnoFail(ENOSPC, "fdatasync", path_);
      return base_->Sync();
    }
    StoreStatus Close() override { return base_->Close(); }

   private:
    FaultFileSystem* fs_;
    std::unique_ptr<WritableFile> base_;
    std::string path_;
  };

  FileSystem* base_ = DefaultFileSystem();
  std::atomic<Op> armed_{Op::kNone};
};

inline std::unique_ptr<ObjectStore> OpenStore(const std::string& root, const Clock* clock,
                                              FileSystem* fs = nullptr,
                                              StoreRecoveryStats* stats = nullptr) {
  auto store = ObjectStore::Open(root, StoreOptions{fs, clock}, stats);
  return store ? std::move(*store) : nullptr;
}

inline std::string ReadBody(ObjectStore& store, const std::string& bucket, const std::string& key) {
  auto reader = store.GetObject(bucket, key);
  if (!reader) return "<error " + reader.error().message + ">";
  auto body = (*reader)->ReadAll();
  return body ? *body : "<read error>";
}

}  // namespace sf::engine::testing_util
