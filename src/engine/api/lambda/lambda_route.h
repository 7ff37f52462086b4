#pragma once
// Reading Lambda REST requests: which operation a method and path name (botocore's lambda
// model, 2015-03-31), the function name in the path (a name, a partial ARN or a full ARN, with
// an optional qualifier), and whether a request is for Lambda at all.
//
// A request is Lambda's when its SigV4 signing service is "lambda" (the Authorization header's
// Credential scope, or X-Amz-Credential when presigned). Not its path: /2015-03-31/... is also
// a valid S3 path-style bucket.

#include <string>
#include <string_view>

#include "engine/api_error.h"
#include "engine/server/http_server.h"

namespace sf::engine::lambda {

enum class LambdaOperation {
  kCreateFunction,
  kListFunctions,
  kGetFunction,
  kDeleteFunction,
  kGetFunctionConfiguration,
  kUpdateFunctionConfiguration,
  kUpdateFunctionCode,
  kInvoke,
  kPutFunctionConcurrency,
  kDeleteFunctionConcurrency,
  kGetFunctionConcurrency,
  kGetAccountSettings,
  kPutFunctionEventInvokeConfig,
  kUpdateFunctionEventInvokeConfig,
  kGetFunctionEventInvokeConfig,
  kDeleteFunctionEventInvokeConfig,
  kListFunctionEventInvokeConfigs,
  kTagResource,
  kUntagResource,
  kListTags,
  kCreateEventSourceMapping,
  kListEventSourceMappings,
  kGetEventSourceMapping,
  kUpdateEventSourceMapping,
  kDeleteEventSourceMapping,
  kAddPermission,
  kRemovePermission,
  kGetPolicy,
};

struct LambdaCall {
  LambdaOperation operation = LambdaOperation::kListFunctions;
  std::string function;   // the name, from a name or an ARN; empty for list/create/settings;
                          // an event-source mapping's UUID for Get/Update/Delete of one
  std::string qualifier;  // from "name:qualifier" or ?Qualifier=; empty when none
  std::string statement_id = {};  // RemovePermission: the StatementId in the path
};

// The SigV4 service a request is signed for; "" when unsigned or unreadable.
std::string SigningService(const HttpRequest& request);

bool IsLambdaRequest(const HttpRequest& request);

// The operation; 404 ResourceNotFoundException for a path no operation serves, 400
// ValidationException for a malformed function name.
ApiResult<LambdaCall> ParseLambdaCall(std::string_view method, std::string_view path,
                                      std::string_view query);

// A function name as the API takes it ("my-fn", "123456789012:function:my-fn",
// "arn:aws:lambda:us-east-1:123456789012:function:my-fn[:qualifier]") split into name and
// qualifier. ValidationException when the name part is not 1-64 of [A-Za-z0-9_-].
ApiResult<LambdaCall> ParseFunctionName(std::string_view text);

std::string_view OperationName(LambdaOperation operation);

}  // namespace sf::engine::lambda
