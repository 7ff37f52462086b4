#pragma once
// S3's error document, the body of every S3 error response:
//   <?xml version="1.0" encoding="UTF-8"?>
//   <Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>
//   <Key>a.txt</Key><Resource>/bucket/a.txt</Resource><RequestId>4442587FB7D0A2F9</RequestId>
//   </Error>
// (without the line breaks inside <Error>). Code and Message always; then the extra elements
// S3 adds for some errors (Key, BucketName, StringToSign, CanonicalRequest, AWSAccessKeyId,
// RequestTime, ServerTime, MaxAllowedSkewMilliseconds, ...) in the order given; then Resource
// and RequestId when not empty. Extra names must be valid XML names; all texts are escaped
// (xml_writer.h). Pure; thread-safe.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/api/s3/xml/xml_error.h"

namespace sf::engine::s3 {

// One extra element: name, text.
using ErrorField = std::pair<std::string, std::string>;

std::string WriteError(std::string_view code, std::string_view message, std::string_view resource,
                       std::string_view request_id, const std::vector<ErrorField>& extra = {});

// The document for an XmlError (its code and message).
std::string WriteError(const XmlError& error, std::string_view resource,
                       std::string_view request_id);

}  // namespace sf::engine::s3
