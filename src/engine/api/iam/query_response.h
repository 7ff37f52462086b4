#pragma once
// Writing AWS Query-protocol responses (IAM, STS), as botocore's query parser reads them:
//   <CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
//     <CreateRoleResult>...</CreateRoleResult>
//     <ResponseMetadata><RequestId>uuid</RequestId></ResponseMetadata>
//   </CreateRoleResponse>
// and errors:
//   <ErrorResponse xmlns="..."><Error><Type>Sender</Type><Code>NoSuchEntity</Code>
//     <Message>...</Message></Error><RequestId>uuid</RequestId></ErrorResponse>
// with the error's HTTP status. Every response carries x-amzn-RequestId. Not thread-safe.

#include <string>
#include <string_view>

#include "engine/api/s3/xml/xml_writer.h"
#include "engine/api_error.h"
#include "engine/server/http_server.h"

namespace sf::engine::iam_api {

inline constexpr char kIamNamespace[] = "https://iam.amazonaws.com/doc/2010-05-08/";
inline constexpr char kStsNamespace[] = "https://sts.amazonaws.com/doc/2011-06-15/";

class QueryResponse {
 public:
  // Opens <{action}Response> and, when `has_result`, <{action}Result>.
  QueryResponse(std::string_view action, std::string_view xmlns, bool has_result = true);
  // The writer, inside <{action}Result>.
  s3::XmlWriter& xml() { return xml_; }
  // Closes the document: 200, text/xml.
  HttpResponse Finish(std::string_view request_id);

 private:
  std::string body_;
  s3::XmlWriter xml_;
  bool has_result_;
};

// The error document for `error` (Type Sender for 4xx, Receiver for 5xx).
HttpResponse QueryError(const ApiError& error, std::string_view xmlns, std::string_view request_id);

// A SigV4 refusal as the JSON protocols name it (auth/auth_errors.h) renamed as IAM and STS
// answer it: MissingAuthenticationToken (403), InvalidClientTokenId (403, an unknown key or a
// session without its token), SignatureDoesNotMatch (403, also for expired signatures),
// IncompleteSignature (400). Other errors pass unchanged.
ApiError QueryAuthError(ApiError json_error);

}  // namespace sf::engine::iam_api
