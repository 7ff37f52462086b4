#pragma once
// Appends XML text to a string without building a document, for S3 responses and request
// bodies. The caller keeps the structure balanced (every Open has its Close) and passes
// element names that are valid XML names (the literals of the S3 model); the writer escapes
// text. Output is always well-formed UTF-8 XML 1.0:
//   - & < > " ' become &amp; &lt; &gt; &quot; &apos; (S3 writes ETags as &quot;...&quot;);
//   - TAB, LF and CR become &#9; &#10; &#13;, so they survive a parser's line-end and
//     attribute normalisation (a literal CR would come back as LF);
//   - what XML 1.0 cannot carry at all (other C0 controls, U+FFFE, U+FFFF, and bytes that are
//     not UTF-8) becomes U+FFFD. Such text is not preserved: S3 clients ask for
//     EncodingType=url to list such keys, see UrlEncodeForListing; IsXmlSafe tells which
//     texts are affected.
// Not thread-safe; one writer per output string.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sf::engine::s3 {

class XmlWriter {
 public:
  explicit XmlWriter(std::string& out) : out_(out) {}

  // `<?xml version="1.0" encoding="UTF-8"?>` and a newline, as S3 starts its documents.
  XmlWriter& Declaration();
  // `<name>`, or `<name xmlns="...">` when `xmlns` is not empty.
  XmlWriter& Open(std::string_view name, std::string_view xmlns = {});
  // Closes the innermost open element; a no-op when none is open.
  XmlWriter& Close();
  // Escaped character data inside the current element.
  XmlWriter& Text(std::string_view text);

  // `<name>value</name>` (empty text gives `<name></name>`, as S3 writes empty prefixes).
  XmlWriter& Element(std::string_view name, std::string_view text);
  XmlWriter& Element(std::string_view name, const char* text) {
    return Element(name, std::string_view(text));
  }
  XmlWriter& Element(std::string_view name, const std::string& text) {
    return Element(name, std::string_view(text));
  }
  XmlWriter& Element(std::string_view name, int64_t value);
  XmlWriter& Element(std::string_view name, uint64_t value);
  XmlWriter& Element(std::string_view name, int value) {
    return Element(name, static_cast<int64_t>(value));
  }
  XmlWriter& Element(std::string_view name, unsigned value) {
    return Element(name, static_cast<uint64_t>(value));
  }
  XmlWriter& Element(std::string_view name, bool value);  // "true" / "false"

  // How many elements are open.
  size_t depth() const { return open_.size(); }

 private:
  std::string& out_;
  std::vector<std::string> open_;  // names of the open elements, outermost first
};

// Appends `text` escaped as above; the result is valid both as character data and inside a
// double- or single-quoted attribute value.
void AppendXmlEscaped(std::string& out, std::string_view text);

// True if `text` is valid UTF-8 made only of characters XML 1.0 can carry (so it comes back
// unchanged through the writer and a parser).
bool IsXmlSafe(std::string_view text);

// S3's encoding-type=url form of a key or prefix in a listing: bytes outside A-Z a-z 0-9 and
// - _ . / * become %XX (upper-case hex), space becomes '+'. Clients decode it with
// unquote_plus (botocore's decode_list_object_v2), so '+' itself is sent as %2B.
std::string UrlEncodeForListing(std::string_view text);

}  // namespace sf::engine::s3
