#pragma once
// S3 destinations in Firehose's JSON shapes: reading an S3DestinationConfiguration,
// ExtendedS3DestinationConfiguration or their *Update forms, and writing the
// S3DestinationDescription / ExtendedS3DestinationDescription that DescribeDeliveryStream
// returns. Internal to the Firehose API. Not thread-safe (one request at a time).

#include <string>

#include "base/json_writer.h"
#include "engine/api/json_request.h"
#include "engine/delivery/delivery_stream.h"

namespace sf::engine::firehose {

struct DestinationShape {
  std::string path;           // the member's path in violations ("extendedS3DestinationUpdate")
  bool extended = true;       // ExtendedS3* (all members) or S3* (the plain subset)
  bool configuration = true;  // a *Configuration (BucketARN and RoleARN required) or an *Update
};

// Applies the members present in `object` to `destination`; absent members keep its values, so
// a configuration starts from a default S3Destination and an update from the current one (an
// update merges, as Firehose's does). The model's constraints are recorded in `request`; a
// value of the wrong JSON type is a SerializationException; a CompressionFormat the engine does
// not write (ZIP, Snappy, HADOOP_SNAPPY) is left in `refusal`, for after validation. Members
// the engine keeps without acting on them are stored as their JSON text.
ApiResult<void> ApplyDestination(JsonRequest& request, simdjson::dom::object object,
                                 const DestinationShape& shape,
                                 delivery::S3Destination& destination, std::string& refusal);

// The destination as DescribeDeliveryStream shows it: the acted-on members always (Prefix and
// ErrorOutputPrefix when set; EncryptionConfiguration NoEncryption unless given), the kept ones
// as given (only CloudWatchLoggingOptions for the plain S3 shape).
void WriteDestinationDescription(JsonWriter& json, const delivery::S3Destination& destination,
                                 bool extended);

}  // namespace sf::engine::firehose
