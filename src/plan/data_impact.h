#pragma once
// The sentence a plan prints for what removing or replacing a resource loses, from what its
// provider reports (Provider::DataHeld): "the bucket holds 1,204 objects (3.1 GiB)", "the
// stream holds at least 48,210 records (12.0 MiB)", "the bucket is empty", "unknown". Pure.

#include <cstdint>
#include <string>

#include "plan/changeset.h"
#include "provider/provider.h"

namespace sf::plan {

// `type` names the noun ("AWS::S3::Bucket": "the bucket").
std::string DescribeDataHeld(const std::string& type, const provider::DataFacts& facts);

inline constexpr char kEventSourceMapping[] = "AWS::Lambda::EventSourceMapping";

// Stream consumers hold no data but their shards' checkpoints. For a change to an
// AWS::Lambda::EventSourceMapping this says what happens to them: an in-place update keeps
// them ("processing continues where it stopped"); a replacement or a removal loses them (a
// replacement restarts at its StartingPosition), and a replacement deletes the old mapping
// first, since Lambda refuses a second mapping of one function to one stream. Other types
// are left as they are.
void DescribeCheckpoints(ResourceChange& change);

// 1204 -> "1,204".
std::string GroupThousands(int64_t value);
// 3328599654 -> "3.1 GiB"; under 1 KiB: "512 bytes".
std::string HumanBytes(int64_t bytes);

}  // namespace sf::plan
