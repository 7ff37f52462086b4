#pragma once
// The error of the S3 XML layer: an S3 error code and message, ready for an <Error> document,
// plus a detail for logs and tests (S3 never shows it to clients). Every failure to read a
// request body is S3's MalformedXML (HTTP 400) with S3's fixed message; `detail` says what was
// wrong. The result type mirrors sf::Result (tl::expected).

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace sf::engine::s3 {

inline constexpr const char* kMalformedXmlCode = "MalformedXML";
inline constexpr const char* kMalformedXmlMessage =
    "The XML you provided was not well-formed or did not validate against our published schema";

struct XmlError {
  std::string code = kMalformedXmlCode;
  std::string message = kMalformedXmlMessage;
  std::string detail;  // what exactly was wrong, e.g. "line 1, column 7: mismatched tag"
  int http_status = 400;
};

template <class T>
using XmlResult = tl::expected<T, XmlError>;

// A MalformedXML error with `detail`.
inline tl::unexpected<XmlError> MalformedXml(std::string detail) {
  XmlError error;
  error.detail = std::move(detail);
  return tl::unexpected<XmlError>(std::move(error));
}

}  // namespace sf::engine::s3
