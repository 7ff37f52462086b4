#include "provider/local/s3_bucket_provider.h"

#include <unordered_map>

#include "provider/physical_name.h"
#include "provider/property_diff.h"

namespace sf::provider {

namespace {

const std::string kTypeName = "AWS::S3::Bucket";
const std::string kNameProperty = "BucketName";
constexpr size_t kDataHeldListLimit = 10'000;

Error ToError(const std::string& operation, const std::string& bucket,
              const client::S3Error& error) {
  std::string message = operation + " " + bucket + ": " + error.code + ": " + error.message;
  bool transient = error.code == "ConnectionError" || error.http_status >= 500;
  return Error{transient ? ErrorCode::kIo : ErrorCode::kInvalidArgument, message};
}

LiveState StateOf(const S3BucketProvider& provider, const std::string& name, int64_t created_ms) {
  LiveState state;
  state.exists = true;
  state.physical_id = name;
  state.properties = Value::Map({{"BucketName", Value::String(name)}});
  state.observed = {"BucketName"};
  state.attributes = provider.PredictAttributes(name, state.properties);
  state.created_ms = created_ms;
  state.incarnation = std::to_string(created_ms);
  return state;
}

}  // namespace

S3BucketProvider::S3BucketProvider(std::string endpoint, auth::Credentials credentials,
                                   std::string region)
    : region_(region),
      clients_([endpoint = std::move(endpoint), credentials = std::move(credentials),
                region = std::move(region)] {
        return std::make_unique<client::S3Client>(endpoint, credentials, region);
      }) {}

const std::string& S3BucketProvider::type_name() const { return kTypeName; }
const std::string& S3BucketProvider::name_property() const { return kNameProperty; }

std::vector<Result<LiveState>> S3BucketProvider::Read(std::span<const std::string> physical_ids) {
  auto listed = clients_.Acquire()->ListBuckets();
  if (!listed) {
    Error error = ToError("ListBuckets", "", listed.error());
    return std::vector<Result<LiveState>>(physical_ids.size(), tl::unexpected(error));
  }
  std::unordered_map<std::string, int64_t> created;
  created.reserve(listed->size());
  for (const auto& bucket : *listed) created.emplace(bucket.name, bucket.creation_ms);
  std::vector<Result<LiveState>> results;
  results.reserve(physical_ids.size());
  for (const std::string& name : physical_ids) {
    auto it = created.find(name);
    if (it != created.end()) {
      results.emplace_back(StateOf(*this, name, it->second));
    } else {
      LiveState absent;
      absent.physical_id = name;
      results.emplace_back(std::move(absent));
    }
  }
  return results;
}

Result<LiveState> S3BucketProvider::ReadOne(const std::string& name) {
  auto states = Read(std::span<const std::string>(&name, 1));
  return std::move(states.front());
}

Result<LiveState> S3BucketProvider::Create(const CreateRequest& request) {
  const std::string& name = request.physical_id;
  if (auto created = clients_.Acquire()->CreateBucket(name); !created) {
    const std::string& code = created.error().code;
    if (code == "BucketAlreadyOwnedByYou" || code == "BucketAlreadyExists") {
      return Fail(ErrorCode::kInvalidArgument, "bucket " + name + " already exists");
    }
    return tl::unexpected(ToError("CreateBucket", name, created.error()));
  }
  auto state = ReadOne(name);
  if (state && !state->exists) {
    return Fail(ErrorCode::kIo, "bucket " + name + " was created but is not listed");
  }
  return state;
}

// Every property that can change in place (Tags, LifecycleConfiguration,
// VersioningConfiguration, ...) is one the engine does not keep: nothing to call. The bucket
// must exist, and its state is returned.
Result<LiveState> S3BucketProvider::Update(const UpdateRequest& request) {
  auto state = ReadOne(request.physical_id);
  if (state && !state->exists)
    return Fail(ErrorCode::kNotFound, "bucket " + request.physical_id + " does not exist");
  return state;
}

Status S3BucketProvider::Delete(const DeleteRequest& request) {
  const std::string& name = request.physical_id;
  auto deleted = clients_.Acquire()->DeleteBucket(name);
  if (deleted || deleted.error().code == "NoSuchBucket") return {};
  if (deleted.error().code == "BucketNotEmpty") {
    return Fail(ErrorCode::kInvalidArgument,
                "bucket " + name + " is not empty: empty it before deleting it");
  }
  return tl::unexpected(ToError("DeleteBucket", name, deleted.error()));
}

Result<DataFacts> S3BucketProvider::DataHeld(const std::string& physical_id) {
  auto client = clients_.Acquire();
  DataFacts facts;
  facts.known = true;
  std::string token;
  for (;;) {
    auto page = client->ListObjectsV2(physical_id, token);
    if (!page) {
      if (page.error().code == "NoSuchBucket")
        return Fail(ErrorCode::kNotFound, "bucket " + physical_id + " does not exist");
      return tl::unexpected(ToError("ListObjectsV2", physical_id, page.error()));
    }
    for (const auto& object : page->objects) {
      ++facts.objects;
      facts.bytes += object.size;
    }
    if (!page->truncated) break;
    if (static_cast<size_t>(facts.objects) >= kDataHeldListLimit || page->next_token.empty()) {
      facts.at_least = true;
      break;
    }
    token = page->next_token;
  }
  auto uploads = client->ListMultipartUploads(physical_id);
  if (!uploads)
    return tl::unexpected(ToError("ListMultipartUploads", physical_id, uploads.error()));
  facts.open_uploads = static_cast<int64_t>(uploads->size());
  return facts;
}

Status S3BucketProvider::Empty(const std::string& physical_id) {
  auto client = clients_.Acquire();
  // Lists from the start each time: the keys of the previous page are gone.
  for (;;) {
    auto page = client->ListObjectsV2(physical_id, "");
    if (!page) {
      if (page.error().code == "NoSuchBucket") return {};
      return tl::unexpected(ToError("ListObjectsV2", physical_id, page.error()));
    }
    if (page->objects.empty()) break;
    std::vector<std::string> keys;
    keys.reserve(page->objects.size());
    for (const auto& object : page->objects) keys.push_back(object.key);
    auto refused = client->DeleteObjects(physical_id, keys);
    if (!refused) return tl::unexpected(ToError("DeleteObjects", physical_id, refused.error()));
    if (!refused->empty()) {
      const auto& first = refused->front();
      return Fail(ErrorCode::kIo, "DeleteObjects " + physical_id + ": " +
                                      std::to_string(refused->size()) + " keys refused, first " +
                                      first.key + ": " + first.code + ": " + first.message);
    }
  }
  auto uploads = client->ListMultipartUploads(physical_id);
  if (!uploads)
    return tl::unexpected(ToError("ListMultipartUploads", physical_id, uploads.error()));
  for (const auto& upload : *uploads) {
    auto aborted = client->AbortMultipartUpload(physical_id, upload.key, upload.upload_id);
    if (!aborted && aborted.error().code != "NoSuchUpload")
      return tl::unexpected(ToError("AbortMultipartUpload", physical_id, aborted.error()));
  }
  return {};
}

std::string S3BucketProvider::GenerateName(const std::string& stack_name,
                                           const std::string& logical_id) const {
  return GeneratePhysicalName(stack_name, logical_id, NameRules{63, true});
}

Result<std::vector<UpdateStep>> S3BucketProvider::PlanUpdate(const Value& before,
                                                             const Value& after) const {
  std::vector<std::string> changed = ChangedProperties(before, after);
  if (changed.empty()) return std::vector<UpdateStep>{};
  for (const std::string& name : changed) {
    if (name == "BucketName") {
      return Fail(ErrorCode::kInvalidArgument,
                  "cannot update in place: BucketName is the bucket's name, set only at creation");
    }
  }
  return std::vector<UpdateStep>{
      {after, DescribeChanged(changed) + " (not kept by the engine: no call needed)"}};
}

std::map<std::string, Value> S3BucketProvider::PredictAttributes(
    const std::string& physical_id, const Value& /*properties*/) const {
  return {
      {"Arn", Value::String("arn:aws:s3:::" + physical_id)},
      {"DomainName", Value::String(physical_id + ".s3.amazonaws.com")},
      {"RegionalDomainName", Value::String(physical_id + ".s3." + region_ + ".amazonaws.com")},
      {"DualStackDomainName",
       Value::String(physical_id + ".s3.dualstack." + region_ + ".amazonaws.com")},
  };
}

}  // namespace sf::provider
