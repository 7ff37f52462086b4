#include "engine/api/s3/xml/xml_writer.h"

#include <charconv>

namespace sf::engine::s3 {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The code point of the UTF-8 sequence at text[i] and its length in bytes; -1 (length 1) when
// the bytes there are not UTF-8 (RFC 3629: no overlong forms, surrogates or values above
// U+10FFFF).
struct Decoded {
  int32_t code_point;
  size_t length;
};

Decoded DecodeUtf8(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return {-1, 1};
  int32_t value = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {-1, 1};
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr int32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  bool surrogate = value >= 0xD800 && value <= 0xDFFF;
  if (value < kMinimum[length] || value > 0x10FFFF || surrogate) return {-1, 1};
  return {value, length};
}

// XML 1.0's Char production.
bool IsXmlChar(int32_t c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  return c <= 0xD7FF || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

// The escape for an ASCII character, or "" when it is written as is.
std::string_view AsciiEscape(unsigned char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    case '\t':
      return "&#9;";
    case '\n':
      return "&#10;";
    case '\r':
      return "&#13;";
    default:
      return c < 0x20 ? kReplacement : std::string_view();
  }
}

template <class T>
void AppendNumber(std::string& out, T value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out.append(digits, static_cast<size_t>(end - digits));
}

}  // namespace

void AppendXmlEscaped(std::string& out, std::string_view text) {
  size_t run = 0;  // start of the stretch copied as is
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::string_view replacement;
    size_t length = 1;
    if (c < 0x80) {
      replacement = AsciiEscape(c);
    } else {
      Decoded decoded = DecodeUtf8(text, i);
      length = decoded.length;
      if (!IsXmlChar(decoded.code_point)) replacement = kReplacement;
    }
    if (!replacement.empty()) {
      out.append(text.data() + run, i - run);
      out.append(replacement);
      run = i + length;
    }
    i += length;
  }
  out.append(text.data() + run, text.size() - run);
}

bool IsXmlSafe(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    Decoded decoded = DecodeUtf8(text, i);
    if (!IsXmlChar(decoded.code_point)) return false;
    i += decoded.length;
  }
  return true;
}

std::string UrlEncodeForListing(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '_' || c == '.' || c == '/' || c == '*') {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

XmlWriter& XmlWriter::Declaration() {
  out_.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  return *this;
}

XmlWriter& XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_.append(name);
  if (!xmlns.empty()) {
    out_.append(" xmlns=\"");
    AppendXmlEscaped(out_, xmlns);
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  if (open_.empty()) return *this;
  out_.append("</").append(open_.back()).append(">");
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Text(std::string_view text) {
  AppendXmlEscaped(out_, text);
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  out_.append("<").append(name).append(">");
  AppendXmlEscaped(out_, text);
  out_.append("</").append(name).append(">");
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, int64_t value) {
  out_.append("<").append(name).append(">");
  AppendNumber(out_, value);
  out_.append("</").append(name).append(">");
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, uint64_t value) {
  out_.append("<").append(name).append(">");
  AppendNumber(out_, value);
  out_.append("</").append(name).append(">");
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, bool value) {
  return Element(name, std::string_view(value ? "true" : "false"));
}

}  // namespace sf::engine::s3
