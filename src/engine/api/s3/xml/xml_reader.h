#pragma once
// A small XML DOM read with expat, for S3 request bodies (untrusted input).
//
// Contract of ParseXml:
//   - The input is a whole document; its encoding is what it declares (UTF-8 by default, as
//     expat detects); every string in the DOM is UTF-8.
//   - Namespaces are processed: names are local names (prefix removed) and `ns` holds the
//     namespace URI ("" when none), so <Delete> and <Delete xmlns="http://s3.amazonaws.com/
//     doc/2006-03-01/"> both have the name "Delete". Namespace declarations are not attributes.
//   - Limits, checked while parsing so that hostile input fails fast: the input size, the
//     nesting depth (the root is depth 1) and the number of elements (see XmlLimits).
//   - No DTD: a document type declaration, an entity declaration or a reference to an
//     undeclared entity is an error (no XXE, no entity expansion bombs). The five predefined
//     entities and character references are decoded.
//   - Comments and processing instructions are skipped; CDATA sections are character data.
//   - Any failure is an XmlError (MalformedXML, S3's message) whose detail names the problem
//     and, for syntax errors, its line and column.
// Thread-safe: each call uses its own parser.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api/s3/xml/xml_error.h"

namespace sf::engine::s3 {

inline constexpr const char* kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct XmlLimits {
  size_t max_bytes = 1 << 20;  // input size
  int max_depth = 32;
  size_t max_elements = 100'000;
};

struct XmlAttribute {
  std::string name;  // local name
  std::string ns;    // namespace URI, "" for an unprefixed attribute
  std::string value;

  bool operator==(const XmlAttribute&) const = default;
};

struct XmlElement {
  std::string name;  // local name
  std::string ns;    // namespace URI, "" when none
  // All character data directly inside this element (not inside its children), in order;
  // whitespace between child elements included.
  std::string text;
  std::vector<XmlAttribute> attributes;
  std::vector<XmlElement> children;  // in document order

  // The first child with local name `name`, or nullptr.
  const XmlElement* Child(std::string_view local_name) const;
  // Every child with local name `name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view local_name) const;
  // How many children have local name `name`.
  size_t CountChildren(std::string_view local_name) const;

  // Equal names, namespaces, texts, attributes (in order) and children, recursively.
  bool operator==(const XmlElement&) const = default;
};

// The root element of `xml`.
XmlResult<XmlElement> ParseXml(std::string_view xml, const XmlLimits& limits = {});

}  // namespace sf::engine::s3
