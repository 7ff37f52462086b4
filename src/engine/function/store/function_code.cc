// FunctionStore: reading deployment zips and placing their code (content-addressed), and ids.

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "auth/crypto.h"
#include "base/base64.h"
#include "engine/function/store/code_archive.h"
#include "engine/function/store/function_store.h"

namespace sf::engine::function {

namespace {

constexpr char kInvalid[] = "InvalidParameterValueException";

tl::unexpected<ApiError> NoSource() {
  return ApiFail(kInvalid, "Please provide a source for function code.");
}

// The directory entry of a rename survives a crash once its directory is synced.
void SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string NewUuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Only when the OS cannot seed OpenSSL; ids need uniqueness, not secrecy.
    std::random_device random;
    for (auto& byte : bytes) byte = static_cast<unsigned char>(random());
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof(text),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

ApiResult<std::string> FunctionStore::ReadZip(const CodeSource& code) const {
  bool from_bucket = !code.s3_bucket.empty() || !code.s3_key.empty();
  if (code.zip && from_bucket) {
    return ApiFail(kInvalid,
                   "Please do not provide other FunctionCode parameters when providing a ZipFile.");
  }
  if (code.zip) {
    if (code.zip->empty()) return NoSource();
    if (code.zip->size() > kMaxZippedBytes) {
      return ApiFail("RequestEntityTooLargeException",
                     "Zipped size must be smaller than " + std::to_string(kMaxZippedBytes) +
                         " bytes when uploaded directly; put larger code in a bucket",
                     413);
    }
    return *code.zip;
  }
  if (code.s3_bucket.empty() || code.s3_key.empty()) return NoSource();
  if (objects_ == nullptr) return ApiFail(kInvalid, "this engine serves no buckets");
  auto reader = objects_->GetObject(code.s3_bucket, code.s3_key);
  if (!reader) {
    return ApiFail(kInvalid, "Error occurred while GetObject. S3 Error Code: " +
                                 std::string(S3ErrorCode(reader.error().code)) +
                                 ". S3 Error Message: " + reader.error().message);
  }
  if ((*reader)->length() > kMaxUnzippedBytes) {
    return ApiFail(kInvalid, "Unzipped size must be smaller than " +
                                 std::to_string(kMaxUnzippedBytes) + " bytes");
  }
  auto bytes = (*reader)->ReadAll();
  if (!bytes) {
    return ApiFail(
        "ServiceException",
        "cannot read s3://" + code.s3_bucket + "/" + code.s3_key + ": " + bytes.error().message,
        500);
  }
  if (bytes->empty()) return ApiFail(kInvalid, "Uploaded file must be a non-empty zip");
  return std::move(*bytes);
}

ApiResult<void> FunctionStore::PlaceCode(const std::string& name, const std::string& zip,
                                         FunctionConfig& config) const {
  std::string digest = auth::Sha256Raw(zip);
  std::string code_root = FunctionDir(name) + "/code";
  std::string dir = code_root + "/" + auth::HexEncode(digest);
  config.code_sha256 = Base64Encode(digest);
  config.code_size = static_cast<int64_t>(zip.size());
  config.code_dir = dir;
  std::error_code error;
  if (std::filesystem::is_directory(dir, error)) return {};  // the same zip: reuse
  std::filesystem::create_directories(code_root, error);
  if (error) {
    return ApiFail("ServiceException", "cannot create " + code_root + ": " + error.message(), 500);
  }
  std::string staging = code_root + "/.tmp-" + NewUuid();
  auto unpacked = UnpackZip(zip, staging);
  if (!unpacked) return tl::unexpected(unpacked.error());
  std::filesystem::rename(staging, dir, error);
  if (error) {
    std::filesystem::remove_all(staging, error);
    return ApiFail("ServiceException", "cannot place the code in " + dir, 500);
  }
  SyncDirectory(code_root);
  return {};
}

void FunctionStore::PruneCode(const std::string& name, const std::string& keep_a,
                              const std::string& keep_b) const {
  std::error_code error;
  std::filesystem::path keep_first(keep_a), keep_second(keep_b);
  for (const auto& entry :
       std::filesystem::directory_iterator(FunctionDir(name) + "/code", error)) {
    if (entry.path() == keep_first || entry.path() == keep_second) continue;
    std::filesystem::remove_all(entry.path(), error);
  }
}

}  // namespace sf::engine::function
