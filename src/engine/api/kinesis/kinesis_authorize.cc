// KinesisApi::Authorize: which IAM action and resource each operation is, for role sessions.

#include <optional>

#include "base/base64.h"
#include "engine/api/kinesis/kinesis_api.h"

namespace sf::engine {

namespace {

// The stream a ListShards NextToken names: the first line of the base64'd position that
// ListShards writes (PageToken in kinesis_streams_api.cc).
std::optional<std::string> PageTokenStream(std::string_view token) {
  auto decoded = Base64Decode(token);
  if (!decoded) return std::nullopt;
  size_t end = decoded->find('\n');
  if (end == std::string::npos) return std::nullopt;
  return decoded->substr(0, end);
}

}  // namespace

std::optional<ApiError> KinesisApi::Authorize(std::string_view operation, JsonRequest& request,
                                              const iam::Principal& principal) const {
  std::string resource;
  if (operation == "ListStreams") {
    resource = "*";
  } else if (operation == "GetRecords") {
    auto iterator = request.String("ShardIterator");
    auto stream = iterator ? streams_.IteratorStream(*iterator) : std::nullopt;
    if (stream) resource = streams_.StreamArn(*stream);
  } else if (auto arn = request.String("StreamARN")) {
    resource = std::string(*arn);
  } else if (auto name = request.String("StreamName")) {
    resource = streams_.StreamArn(std::string(*name));
  } else if (auto token = request.String("NextToken"); token && operation == "ListShards") {
    if (auto stream = PageTokenStream(*token)) resource = streams_.StreamArn(*stream);
  }
  if (resource.empty()) return std::nullopt;  // the operation refuses it: nothing is done
  std::string action = "kinesis:" + std::string(operation);
  return iam::AccessDenied(principal, action, resource);
}

}  // namespace sf::engine
