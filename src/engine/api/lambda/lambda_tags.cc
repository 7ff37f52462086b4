// LambdaApi::Tags: TagResource, UntagResource and ListTags on /2017-03-31/tags/{ARN} (a
// function's ARN). Tags live with the function in the store and keep its RevisionId.

#include <string_view>

#include "auth/canonical.h"
#include "engine/api/lambda/lambda_api.h"
#include "engine/api/lambda/lambda_wire.h"

namespace sf::engine::lambda {

namespace {

constexpr size_t kMaxTags = 50;

// Every tagKeys=... of the query (UntagResource repeats the parameter).
std::vector<std::string> TagKeys(std::string_view query) {
  std::vector<std::string> keys;
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos &&
        auth::PercentDecode(pair.substr(0, equals)) == "tagKeys") {
      keys.push_back(auth::PercentDecode(pair.substr(equals + 1)));
    }
  }
  return keys;
}

}  // namespace

HttpResponse LambdaApi::Tags(const HttpRequest& request, const LambdaCall& call) {
  auto found = Find(call);
  if (!found) return ErrorResponse(found.error());
  std::map<std::string, std::string> tags = found->tags;
  if (call.operation == LambdaOperation::kListTags) return JsonResponse(200, {{"Tags", tags}});
  if (call.operation == LambdaOperation::kTagResource) {
    auto body = ParseBody(request.body);
    if (!body) return ErrorResponse(body.error());
    auto added = ReadTags(*body);
    if (!added) return ErrorResponse(added.error());
    if (added->empty()) {
      return ErrorResponse({"ValidationException",
                            "1 validation error detected: Value null at 'tags' failed to satisfy "
                            "constraint: Member must not be null"});
    }
    for (auto& [key, value] : *added) tags[key] = std::move(value);
    if (tags.size() > kMaxTags) {
      return ErrorResponse(
          {"InvalidParameterValueException",
           "A function can have at most 50 tags; it would have " + std::to_string(tags.size())});
    }
  } else {
    std::vector<std::string> keys = TagKeys(request.query);
    if (keys.empty()) {
      return ErrorResponse({"ValidationException",
                            "1 validation error detected: Value null at 'tagKeys' failed to "
                            "satisfy constraint: Member must not be null"});
    }
    for (const std::string& key : keys) tags.erase(key);
  }
  auto updated = store_.SetTags(found->name, std::move(tags));
  if (!updated) return ErrorResponse(updated.error());
  return JsonResponse(204, nullptr);
}

}  // namespace sf::engine::lambda
