#pragma once
// AWS::S3::Bucket on the engine, through its S3 REST API (client/s3_client.h), so the same
// code can talk to AWS.
//
// The physical id is the bucket name. Observed: BucketName only: the engine keeps no tags,
// lifecycle, versioning or any other bucket configuration, so those are never read back (and
// their subresources are never called). Attributes: Arn (arn:aws:s3:::name), DomainName
// (name.s3.amazonaws.com), RegionalDomainName (name.s3.<region>.amazonaws.com) and
// DualStackDomainName (name.s3.dualstack.<region>.amazonaws.com), all predictable; WebsiteURL
// is left out (its form depends on the region and the engine serves no websites). created_ms
// is the CreationDate; incarnation is that date in ms as text.
//
// Read is one ListBuckets for the whole batch. Create refuses a taken name (kInvalidArgument
// "... already exists", whoever owns it). Update changes nothing in the engine: every
// in-place property is one the engine does not keep, so it only checks the bucket exists and
// returns its state. Delete of an absent bucket succeeds; of a non-empty one it is
// kInvalidArgument naming the bucket. DataHeld lists at most 10,000 objects (at_least when
// there are more) and counts open multipart uploads; Empty deletes every object (DeleteObjects
// batches) and aborts every upload. Thread-safe; one keep-alive client per concurrent caller.

#include "auth/sigv4_types.h"
#include "client/s3_client.h"
#include "provider/local/client_pool.h"
#include "provider/provider.h"

namespace sf::provider {

class S3BucketProvider final : public Provider {
 public:
  S3BucketProvider(std::string endpoint, auth::Credentials credentials, std::string region);

  const std::string& type_name() const override;
  std::vector<Result<LiveState>> Read(std::span<const std::string> physical_ids) override;
  Result<LiveState> Create(const CreateRequest& request) override;
  Result<LiveState> Update(const UpdateRequest& request) override;
  Status Delete(const DeleteRequest& request) override;
  Result<DataFacts> DataHeld(const std::string& physical_id) override;
  Status Empty(const std::string& physical_id) override;

  const std::string& name_property() const override;
  std::string GenerateName(const std::string& stack_name,
                           const std::string& logical_id) const override;
  Result<std::vector<UpdateStep>> PlanUpdate(const Value& before,
                                             const Value& after) const override;
  std::map<std::string, Value> PredictAttributes(const std::string& physical_id,
                                                 const Value& properties) const override;

 private:
  Result<LiveState> ReadOne(const std::string& name);

  const std::string region_;
  ClientPool<client::S3Client> clients_;
};

}  // namespace sf::provider
