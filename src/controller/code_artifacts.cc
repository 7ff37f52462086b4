#include "controller/code_artifacts.h"

#include "artifact/git_source.h"
#include "artifact/zip_builder.h"
#include "client/s3_client.h"
#include "template/sam_transform.h"

namespace sf::controller {

namespace {

std::string KeyFor(const std::string& sha256) { return "code/" + sha256 + ".zip"; }

}  // namespace

Result<artifact::ZipArtifact> CodeArtifacts::Package(const std::string& code_dir,
                                                     std::string* source,
                                                     std::optional<std::string>* warning) const {
  *source = code_dir;
  if (git_ref_.empty()) return artifact::ZipDirectory(code_dir);
  auto snapshot = artifact::ReadGitDirectory(code_dir, git_ref_);
  if (!snapshot) return tl::unexpected(snapshot.error());
  std::string at = "gitRef " + git_ref_ + " (" + snapshot->commit.substr(0, 12) + ")";
  *source = code_dir + " at " + at;
  if (!snapshot->differing.empty()) {
    std::string listed;
    for (size_t i = 0; i < snapshot->differing.size() && i < 5; ++i) {
      listed += (i > 0 ? ", " : "") + snapshot->differing[i];
    }
    if (snapshot->differing.size() > 5) {
      listed += " and " + std::to_string(snapshot->differing.size() - 5) + " more";
    }
    *warning = code_dir + ": the working tree differs from " + at + " in " +
               std::to_string(snapshot->differing.size()) + " file(s) (" + listed +
               "); the stage deploys the committed code";
  }
  return artifact::ZipEntries(std::move(snapshot->entries));
}

std::optional<Value> CodeArtifacts::Code(const std::string& code_dir) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto known = by_dir_.find(code_dir); known != by_dir_.end()) return known->second;
  std::string source;
  std::optional<std::string> warning;
  auto zip = Package(code_dir, &source, &warning);
  if (!zip) {
    problems_.push_back(code_dir + ": " + zip.error().message);
    by_dir_[code_dir] = std::nullopt;
    return std::nullopt;
  }
  if (warning) warnings_.push_back(*warning);
  std::string key = KeyFor(zip->sha256);
  zips_[key] = std::move(zip->bytes);
  sources_[key] = source;
  Value code =
      Value::Map({{"S3Bucket", Value::String(kArtifactBucket)}, {"S3Key", Value::String(key)}});
  by_dir_[code_dir] = code;
  return code;
}

std::vector<std::string> CodeArtifacts::problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return problems_;
}

std::vector<std::string> CodeArtifacts::warnings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return warnings_;
}

Result<std::vector<std::string>> CodeArtifacts::Upload(const plan::Changeset& changeset,
                                                       const state::EngineEndpoint& engine) {
  std::map<std::string, std::string> wanted;  // key -> bytes
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& stack : changeset.stacks) {
      for (const auto& change : stack.resources) {
        const Value* code = change.desired.IsMap() ? change.desired.Find("Code") : nullptr;
        const Value* bucket = code != nullptr ? code->Find("S3Bucket") : nullptr;
        const Value* key = code != nullptr ? code->Find("S3Key") : nullptr;
        if (bucket == nullptr || key == nullptr || bucket->AsString() != kArtifactBucket) continue;
        auto zip = zips_.find(key->AsString());
        if (zip != zips_.end()) wanted[zip->first] = zip->second;
      }
    }
  }
  std::vector<std::string> notes;
  if (wanted.empty()) return notes;
  client::S3Client s3(engine.endpoint, engine.credentials, engine.region);
  auto exists = s3.HeadBucket(kArtifactBucket);
  if (!exists)
    return Fail(ErrorCode::kIo,
                "artifact bucket " + std::string(kArtifactBucket) + ": " + exists.error().message);
  if (!*exists) {
    if (auto made = s3.CreateBucket(kArtifactBucket);
        !made && made.error().code != "BucketAlreadyOwnedByYou") {
      return Fail(ErrorCode::kIo, "cannot create the artifact bucket " +
                                      std::string(kArtifactBucket) + ": " + made.error().message);
    }
  }
  for (const auto& [key, bytes] : wanted) {
    auto there = s3.HeadObject(kArtifactBucket, key);
    if (!there) return Fail(ErrorCode::kIo, "artifact " + key + ": " + there.error().message);
    if (*there) continue;  // content-addressed: already uploaded
    if (auto put = s3.PutObject(kArtifactBucket, key, bytes); !put) {
      return Fail(ErrorCode::kIo, "cannot upload artifact " + key + ": " + put.error().message);
    }
    std::lock_guard<std::mutex> lock(mu_);
    notes.push_back("uploaded " + sources_[key] + " as s3://" + kArtifactBucket + "/" + key + " (" +
                    std::to_string(bytes.size()) + " bytes)");
  }
  return notes;
}

}  // namespace sf::controller
