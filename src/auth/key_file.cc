#include "auth/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/file_io.h"
#include "base/json_writer.h"

namespace sf::auth {

namespace {

std::string RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  // RAND_bytes only fails when the OS cannot seed it; an engine without randomness must not
  // invent a guessable secret.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    std::abort();
  }
  return bytes;
}

Error IoError(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kIo, what + " " + path + ": " + std::strerror(errno)};
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(IoError("cannot write", path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(IoError("cannot open", dir));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return tl::unexpected(IoError("cannot sync", dir));
  return {};
}

// Writes `content` to `path` atomically with mode 0600 unless `path` already exists: link(2)
// never replaces, so when another process created it first its file stays and this succeeds.
Status CreateExclusive(const std::string& dir, const std::string& path,
                       const std::string& content) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(IoError("cannot create", temp));
  auto written = WriteAll(fd, content, temp);
  if (written && ::fsync(fd) != 0) written = tl::unexpected(IoError("cannot sync", temp));
  ::close(fd);
  if (written && ::link(temp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    written = tl::unexpected(IoError("cannot create", path));
  }
  ::unlink(temp.c_str());
  if (!written) return written;
  return SyncDirectory(dir);
}

}  // namespace

std::string CredentialsPath(const std::string& data_dir) {
  return data_dir + "/" + kCredentialsFileName;
}

Credentials GenerateCredentials() {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string random = RandomBytes(16);
  Credentials credentials;
  credentials.access_key = "SFKA";
  for (unsigned char byte : random) credentials.access_key += kBase32[byte % 32];
  credentials.secret_key = Base64Encode(RandomBytes(30));  // 40 characters, no padding
  return credentials;
}

Result<EngineCredentials> LoadEngineCredentials(const std::string& data_dir) {
  std::string path = CredentialsPath(data_dir);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) {
      return tl::unexpected(Error{ErrorCode::kNotFound, "no engine credentials at " + path +
                                                            " (the engine creates them when it "
                                                            "first starts)"});
    }
    return tl::unexpected(IoError("cannot read", path));
  }
  if ((info.st_mode & 077) != 0) {
    return tl::unexpected(Error{ErrorCode::kInvalidArgument,
                                path + " may be read by other users; run: chmod 600 " + path});
  }
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  auto json = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  auto member = [&](const char* name) -> std::string {
    if (!json.is_object() || !json.contains(name) || !json[name].is_string()) return {};
    return json[name].get<std::string>();
  };
  EngineCredentials result;
  result.credentials.access_key = member("accessKeyId");
  result.credentials.secret_key = member("secretAccessKey");
  result.region = member("region");
  if (result.credentials.access_key.empty() || result.credentials.secret_key.empty() ||
      result.region.empty()) {
    return tl::unexpected(Error{ErrorCode::kInvalidArgument,
                                path + " is not valid: it needs the string members accessKeyId, "
                                       "secretAccessKey and region"});
  }
  return result;
}

Result<EngineCredentials> LoadOrCreateEngineCredentials(const std::string& data_dir,
                                                        const std::string& region) {
  auto loaded = LoadEngineCredentials(data_dir);
  if (loaded || loaded.error().code != ErrorCode::kNotFound) return loaded;
  Credentials fresh = GenerateCredentials();
  std::string content;
  JsonWriter(content)
      .BeginObject()
      .Member("accessKeyId", fresh.access_key)
      .Member("secretAccessKey", fresh.secret_key)
      .Member("region", region)
      .EndObject();
  content += "\n";
  if (auto created = CreateExclusive(data_dir, CredentialsPath(data_dir), content); !created) {
    return tl::unexpected(created.error());
  }
  return LoadEngineCredentials(data_dir);  // the winner's keys if another process raced us
}

}  // namespace sf::auth
