#pragma once
// A delivery stream as the engine keeps it: a DirectPut source and one S3 destination, an
// engine bucket named by its ARN. Plain data, with its JSON form (the row of stream_store.h)
// and the checks that decide what the engine can deliver.
//
// What the engine delivers: records buffered by BufferingHints (SizeInMBs 1-128, default 5;
// IntervalInSeconds 0-900, default 300), concatenated with no delimiter, UNCOMPRESSED or GZIP.
// The destination members it does not act on (EncryptionConfiguration, CloudWatchLoggingOptions,
// a disabled ProcessingConfiguration, ...) are kept as given and reported back; the ones that
// would change what is delivered and that it cannot do (ZIP or Snappy compression, enabled
// processing, format conversion or dynamic partitioning, S3 backup, time zones other than UTC)
// are refused by CheckDestination.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace sf::engine::delivery {

inline constexpr int64_t kDefaultSizeInMBs = 5;
inline constexpr int64_t kDefaultIntervalInSeconds = 300;
inline constexpr char kDestinationId[] = "destinationId-000000000001";
inline constexpr char kDirectPut[] = "DirectPut";

enum class Compression { kUncompressed, kGzip };

// "UNCOMPRESSED", "GZIP".
std::string_view CompressionName(Compression compression);

struct BufferingHints {
  int64_t size_mb = kDefaultSizeInMBs;
  int64_t interval_s = kDefaultIntervalInSeconds;
};

struct S3Destination {
  std::string bucket_arn;
  std::string role_arn;
  std::string prefix;               // "" when none
  std::string error_output_prefix;  // "" when none
  BufferingHints buffering;
  Compression compression = Compression::kUncompressed;
  std::string file_extension;  // "" when none: Firehose's own for the compression (".gz")
  // Members kept as given and reported back, not acted on: member name -> its JSON text.
  std::map<std::string, std::string> kept;
};

struct DeliveryStream {
  std::string name;
  std::string arn;
  std::string id;  // 16 hex characters, new for every stream: names its buffer directory
  std::string type = kDirectPut;
  int64_t version = 1;  // VersionId: 1, then one more for every UpdateDestination
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  bool extended = true;  // given as ExtendedS3DestinationConfiguration (else S3...)
  S3Destination destination;
  std::map<std::string, std::string> tags;
};

std::string DeliveryStreamArn(std::string_view region, std::string_view account,
                              std::string_view name);
// The bucket an S3 bucket ARN ("arn:aws:s3:::name") names; "" for anything else.
std::string BucketName(std::string_view bucket_arn);
// What delivered objects' keys end with: FileExtension, else ".gz" for GZIP, else "".
std::string ObjectExtension(const S3Destination& destination);

// nullopt when the engine can deliver to `destination`; else Firehose's InvalidArgumentException
// message (prefixes: prefix_expression.h).
std::optional<std::string> CheckDestination(const S3Destination& destination);

// The stored JSON form.
std::string ToJson(const DeliveryStream& stream);
Result<DeliveryStream> DeliveryStreamFromJson(std::string_view text);

}  // namespace sf::engine::delivery
