// libFuzzer target: any bytes as an S3 request body, through the XML layer
// (src/engine/api/s3/xml). It must never crash, hang or leak, and:
//   - every failure is MalformedXML with S3's message and a detail;
//   - the reader: whatever it accepts, written back (with the writer's escaping and namespace
//     declarations rebuilt) and read again, gives an equal DOM;
//   - each request parser (DeleteObjects, CompleteMultipartUpload, CreateBucket): whatever it
//     accepts, written back with the request writer and parsed again, gives the same result;
//   - escaping: any bytes written as text and as an attribute value give well-formed XML, and
//     text that IsXmlSafe comes back unchanged;
//   - UrlEncodeForListing gives XML-safe text that unquote_plus maps back to the input;
//   - an HTTP-date that parses to a time in the formattable range round-trips through
//     FormatHttpDate.

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "engine/api/s3/xml/s3_requests.h"
#include "engine/api/s3/xml/s3_time.h"
#include "engine/api/s3/xml/xml_reader.h"
#include "engine/api/s3/xml/xml_writer.h"

namespace {

using namespace sf::engine::s3;

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr XmlLimits kUnlimitedSize{INT_MAX, 32, 100'000};

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "s3_xml_fuzzer: %s\n", what);
    std::abort();
  }
}

template <class T>
void CheckFailure(const XmlResult<T>& result) {
  if (result) return;
  Check(result.error().code == kMalformedXmlCode, "error code is not MalformedXML");
  Check(result.error().message == kMalformedXmlMessage, "error message is not S3's");
  Check(result.error().http_status == 400, "error status is not 400");
  Check(!result.error().detail.empty(), "error has no detail");
}

// ---- the reader: DOM -> text -> DOM ----

// A qualified name for `name` in `ns`: "xml:" for the XML namespace (whose prefix is
// predeclared and cannot be rebound), else `prefix:` (or nothing when `prefix` is empty).
std::string Qualified(const std::string& name, const std::string& ns, const std::string& prefix) {
  if (ns == kXmlNamespace) return "xml:" + name;
  return prefix.empty() ? name : prefix + ":" + name;
}

void AppendAttribute(std::string& out, std::string_view name, std::string_view value) {
  out.append(" ").append(name).append("=\"");
  AppendXmlEscaped(out, value);
  out += '"';
}

void WriteDom(const XmlElement& element, const std::string& parent_default_ns, std::string& out) {
  std::string qname = Qualified(element.name, element.ns, "");
  out += '<';
  out += qname;
  std::string default_ns = parent_default_ns;
  if (element.ns != kXmlNamespace && element.ns != parent_default_ns) {
    AppendAttribute(out, "xmlns", element.ns);
    default_ns = element.ns;
  }
  std::map<std::string, std::string> prefixes;  // namespace URI -> prefix declared here
  for (const XmlAttribute& attribute : element.attributes) {
    std::string prefix;
    if (!attribute.ns.empty() && attribute.ns != kXmlNamespace) {
      auto [it, added] = prefixes.emplace(attribute.ns, "n" + std::to_string(prefixes.size()));
      if (added) AppendAttribute(out, "xmlns:" + it->second, attribute.ns);
      prefix = it->second;
    }
    AppendAttribute(out, Qualified(attribute.name, attribute.ns, prefix), attribute.value);
  }
  out += '>';
  AppendXmlEscaped(out, element.text);
  for (const XmlElement& child : element.children) WriteDom(child, default_ns, out);
  out.append("</").append(qname).append(">");
}

void CheckReader(std::string_view input) {
  auto dom = ParseXml(input);
  CheckFailure(dom);
  if (!dom) return;
  std::string written;
  WriteDom(*dom, "", written);
  auto again = ParseXml(written, kUnlimitedSize);
  Check(again.has_value(), "the reader rejects what the DOM writer wrote");
  Check(*again == *dom, "the DOM changed through write and read");
}

// ---- the request parsers ----

template <class Parse, class Write>
void CheckParser(std::string_view input, Parse parse, Write write) {
  auto parsed = parse(input);
  CheckFailure(parsed);
  if (!parsed) return;
  std::string written = write(*parsed);
  if (written.size() > kRequestBodyLimits.max_bytes) return;  // escaping grew it past the limit
  auto again = parse(written);
  Check(again.has_value(), "a parser rejects what its writer wrote");
  Check(*again == *parsed, "a request changed through write and parse");
}

// ---- escaping, URL encoding, dates ----

void CheckEscaping(std::string_view input) {
  std::string text = "<T>";
  AppendXmlEscaped(text, input);
  text += "</T>";
  std::string attribute = "<T a='";
  AppendXmlEscaped(attribute, input);
  attribute += "'/>";
  auto from_text = ParseXml(text, kUnlimitedSize);
  auto from_attribute = ParseXml(attribute, kUnlimitedSize);
  Check(from_text.has_value() && from_attribute.has_value(), "escaped text is not well-formed");
  if (!IsXmlSafe(input)) return;
  Check(from_text->text == input, "XML-safe text changed through escaping");
  Check(from_attribute->attributes.size() == 1 && from_attribute->attributes[0].value == input,
        "XML-safe attribute value changed through escaping");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // the encoder writes upper case only
}

// Python's unquote_plus on bytes (before its UTF-8 decoding).
std::string UnquotePlus(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void CheckUrlEncoding(std::string_view input) {
  std::string encoded = UrlEncodeForListing(input);
  Check(IsXmlSafe(encoded), "URL-encoded text is not XML-safe");
  Check(UnquotePlus(encoded) == input, "unquote_plus does not undo UrlEncodeForListing");
}

void CheckDates(std::string_view input) {
  constexpr int64_t kNow = 1'795'325'700'123;  // 2026-11-22T05:35:00.123Z
  constexpr int64_t kMaxFormatted = 253'402'300'799'999;
  auto parsed = ParseHttpDate(input, kNow);
  if (parsed && *parsed >= 0 && *parsed <= kMaxFormatted) {
    Check(ParseHttpDate(FormatHttpDate(*parsed), kNow) == parsed, "HTTP-date round trip");
  }
  int64_t ms = 0;
  std::memcpy(&ms, input.data(), std::min(input.size(), sizeof(ms)));
  Check(FormatIso8601Ms(ms).size() == 24, "ISO 8601 text is not 24 characters");
  Check(FormatHttpDate(ms).size() == 29, "HTTP-date text is not 29 characters");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckReader(input);
  CheckParser(input, ParseDeleteObjects, WriteDeleteObjects);
  CheckParser(input, ParseCompleteMultipartUpload, WriteCompleteMultipartUpload);
  CheckParser(input, ParseCreateBucketConfiguration, WriteCreateBucketConfiguration);
  CheckEscaping(input);
  CheckUrlEncoding(input);
  CheckDates(input);
  return 0;
}
