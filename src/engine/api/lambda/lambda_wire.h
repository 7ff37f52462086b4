#pragma once
// The Lambda REST-JSON wire: reading request bodies into the store's types with Lambda's
// validation, and writing FunctionConfiguration and errors as botocore's lambda model shapes
// them.
//
// Errors go out as Lambda sends them: the x-amzn-ErrorType header names the type, and the JSON
// body is {"Type": "User"|"Service", "message": ...} -- "Message" for the shapes the model
// spells so (ResourceNotFoundException, ServiceException) -- plus "Reason" for
// TooManyRequestsException. Field constraints of the model (ranges, patterns, lengths) fail
// with ValidationException and AWS's "1 validation error detected: ..." text, as Lambda does;
// the rest with the model's errors (InvalidParameterValueException, ...).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/api_error.h"
#include "engine/function/store/function_store.h"
#include "engine/server/http_server.h"

namespace sf::engine::lambda {

// The runtimes the engine runs (issue 6): python3.8-3.13 and the custom runtimes.
bool IsSupportedRuntime(std::string_view runtime);
// "python3.8, ..., provided.al2023", for messages.
std::string SupportedRuntimes();

// A JSON object body; InvalidRequestContentException when it is not one.
ApiResult<nlohmann::json> ParseBody(std::string_view body);

// The settings of a CreateFunction (`create`: Runtime, Handler and Role are required) or
// UpdateFunctionConfiguration body, over `base` (the defaults, or the current settings).
ApiResult<function::FunctionSettings> ReadSettings(const nlohmann::json& body,
                                                   function::FunctionSettings base, bool create);

// An integer member within the model's [min, max] (`field` names it in ValidationException's
// "1 validation error detected: ..."); nullopt when absent or null.
ApiResult<std::optional<int>> ReadInteger(const nlohmann::json& body, const char* member,
                                          std::string_view field, int64_t min, int64_t max);

// The body's Tags member (absent: none) with Lambda's limits: at most 50, keys of 1-128
// characters not starting with "aws:", values of at most 256.
ApiResult<std::map<std::string, std::string>> ReadTags(const nlohmann::json& body);

// ZipFile (base64) or S3Bucket + S3Key, from CreateFunction's Code or UpdateFunctionCode's body.
ApiResult<function::CodeSource> ReadCode(const nlohmann::json& code);

// "2024-01-02T03:04:05.678+0000", Lambda's LastModified.
std::string FormatLastModified(int64_t ms);

// The FunctionConfiguration shape.
nlohmann::json ConfigurationJson(const function::FunctionConfig& config, const std::string& arn);

HttpResponse JsonResponse(int status, const nlohmann::json& body);
// `reason`: TooManyRequestsException's Reason member, when not empty.
HttpResponse ErrorResponse(const ApiError& error, std::string_view reason = {});

}  // namespace sf::engine::lambda
