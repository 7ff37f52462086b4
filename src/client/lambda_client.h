#pragma once
// A client of the Lambda API (REST-JSON, SigV4 service "lambda") for the controller's function
// provider: function create, read, update and delete, and concurrency. Shapes are botocore's
// (botocore/data/lambda/2015-03-31/service-2.json); bodies go and come as JSON. Blocking; not
// thread-safe (one per thread).

#include <nlohmann/json.hpp>
#include <string>

#include "auth/sigv4_types.h"
#include "base/result.h"
#include "client/signed_client.h"

namespace sf::client {

// An error the API returned: Lambda's type (x-amzn-ErrorType, "ResourceNotFoundException")
// and message, and the HTTP status; a transport failure has type "ConnectionError", status 0.
struct LambdaError {
  std::string type;
  std::string message;
  long http_status = 0;
};

template <class T>
using LambdaResult = tl::expected<T, LambdaError>;

// What Invoke answered.
struct InvokeReply {
  long status = 0;             // 200 (RequestResponse), 202 (Event), 204 (DryRun)
  std::string payload;         // the function's response, or its error document
  std::string function_error;  // X-Amz-Function-Error ("Unhandled"); "" when it succeeded
  std::string log_result;      // X-Amz-Log-Result, decoded (with LogType Tail)
};

class LambdaClient {
 public:
  LambdaClient(std::string endpoint, auth::Credentials credentials, std::string region);

  // The operations by name, with their JSON bodies; each returns the response's JSON (an
  // empty object for 204s).
  LambdaResult<nlohmann::json> CreateFunction(const nlohmann::json& request);
  LambdaResult<nlohmann::json> GetFunction(const std::string& name);
  LambdaResult<nlohmann::json> UpdateFunctionCode(const std::string& name,
                                                  const nlohmann::json& request);
  LambdaResult<nlohmann::json> UpdateFunctionConfiguration(const std::string& name,
                                                           const nlohmann::json& request);
  LambdaResult<nlohmann::json> DeleteFunction(const std::string& name);
  LambdaResult<nlohmann::json> PutFunctionConcurrency(const std::string& name, int reserved);
  LambdaResult<nlohmann::json> DeleteFunctionConcurrency(const std::string& name);
  // A function's resource-based policy: AddPermission (the request's StatementId, Action,
  // Principal, SourceArn, ...), RemovePermission, GetPolicy ({"Policy": "<JSON>", ...}).
  LambdaResult<nlohmann::json> AddPermission(const std::string& name,
                                             const nlohmann::json& request);
  LambdaResult<nlohmann::json> RemovePermission(const std::string& name,
                                                const std::string& statement_id);
  LambdaResult<nlohmann::json> GetPolicy(const std::string& name);
  // One page of ListFunctions from `marker` ("" for the first): {"Functions": [...],
  // "NextMarker": ...}.
  LambdaResult<nlohmann::json> ListFunctions(const std::string& marker);
  // Event-source mappings, by UUID: the request bodies and responses are botocore's
  // CreateEventSourceMapping / UpdateEventSourceMapping / EventSourceMappingConfiguration.
  LambdaResult<nlohmann::json> CreateEventSourceMapping(const nlohmann::json& request);
  LambdaResult<nlohmann::json> GetEventSourceMapping(const std::string& uuid);
  LambdaResult<nlohmann::json> UpdateEventSourceMapping(const std::string& uuid,
                                                        const nlohmann::json& request);
  LambdaResult<nlohmann::json> DeleteEventSourceMapping(const std::string& uuid);
  // Every mapping of `function` from `source_arn` (all pages).
  LambdaResult<nlohmann::json> ListEventSourceMappings(const std::string& function,
                                                       const std::string& source_arn);
  // Invoke: `type` is RequestResponse, Event or DryRun; `tail` asks for the log tail.
  LambdaResult<InvokeReply> Invoke(const std::string& name, const std::string& payload,
                                   const std::string& type, bool tail);

 private:
  LambdaResult<nlohmann::json> Call(const std::string& method, const std::string& path,
                                    const nlohmann::json* body, const std::string& query = "");
  // The error a non-2xx reply carries (x-amzn-ErrorType and the JSON body).
  static LambdaError ErrorOf(const HttpReply& reply);
  SignedClient http_;
};

// "my function" -> "my%20function": a function name or ARN as one path segment.
std::string EncodePathSegment(const std::string& segment);

}  // namespace sf::client
