#include "engine/api/iam/query_response.h"

namespace sf::engine::iam_api {

namespace {

HttpResponse Xml(int status, std::string body, std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", std::string(request_id)}};
  response.body = std::move(body);
  return response;
}

}  // namespace

QueryResponse::QueryResponse(std::string_view action, std::string_view xmlns, bool has_result)
    : xml_(body_), has_result_(has_result) {
  xml_.Open(std::string(action) + "Response", xmlns);
  if (has_result_) xml_.Open(std::string(action) + "Result");
}

HttpResponse QueryResponse::Finish(std::string_view request_id) {
  if (has_result_) xml_.Close();
  xml_.Open("ResponseMetadata").Element("RequestId", request_id).Close();
  xml_.Close();
  return Xml(200, std::move(body_), request_id);
}

ApiError QueryAuthError(ApiError error) {
  if (error.type == "MissingAuthenticationTokenException") {
    return {"MissingAuthenticationToken", "Request is missing Authentication Token", 403};
  }
  if (error.type == "UnrecognizedClientException") {
    return {"InvalidClientTokenId", "The security token included in the request is invalid.", 403};
  }
  if (error.type == "InvalidSignatureException") {
    return {"SignatureDoesNotMatch", std::move(error.message), 403};
  }
  if (error.type == "IncompleteSignatureException") {
    return {"IncompleteSignature", std::move(error.message), 400};
  }
  return error;
}

HttpResponse QueryError(const ApiError& error, std::string_view xmlns,
                        std::string_view request_id) {
  std::string body;
  s3::XmlWriter xml(body);
  xml.Open("ErrorResponse", xmlns)
      .Open("Error")
      .Element("Type", error.status >= 500 ? "Receiver" : "Sender")
      .Element("Code", error.type)
      .Element("Message", error.message)
      .Close()
      .Element("RequestId", request_id)
      .Close();
  return Xml(error.status, std::move(body), request_id);
}

}  // namespace sf::engine::iam_api
