#include "engine/api/s3/xml/xml_reader.h"

#include <expat.h>

#include <climits>
#include <memory>
#include <optional>

namespace sf::engine::s3 {

namespace {

// Expat reports a namespaced name as "<uri><separator><local>"; no XML character can be
// this one, so it cannot occur inside a URI or a name.
constexpr char kNamespaceSeparator = '\x01';

struct ParserDeleter {
  void operator()(XML_ParserStruct* parser) const { XML_ParserFree(parser); }
};
using ParserPtr = std::unique_ptr<XML_ParserStruct, ParserDeleter>;

// Splits expat's name into local name and namespace URI.
void SplitName(const XML_Char* raw, std::string& name, std::string& ns) {
  std::string_view full(raw);
  size_t separator = full.rfind(kNamespaceSeparator);
  if (separator == std::string_view::npos) {
    name.assign(full);
    ns.clear();
  } else {
    ns.assign(full.substr(0, separator));
    name.assign(full.substr(separator + 1));
  }
}

// The DOM under construction, and the first failure of a handler.
class Builder {
 public:
  Builder(XML_Parser parser, const XmlLimits& limits) : parser_(parser), limits_(limits) {}

  void Start(const XML_Char* name, const XML_Char** attributes) {
    if (failed()) return;
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      return Fail("elements nested deeper than " + std::to_string(limits_.max_depth));
    }
    if (++elements_ > limits_.max_elements) {
      return Fail("more than " + std::to_string(limits_.max_elements) + " elements");
    }
    XmlElement& element = open_.emplace_back();
    SplitName(name, element.name, element.ns);
    for (size_t i = 0; attributes[i] != nullptr; i += 2) {
      XmlAttribute& attribute = element.attributes.emplace_back();
      SplitName(attributes[i], attribute.name, attribute.ns);
      attribute.value.assign(attributes[i + 1]);
    }
  }

  void End() {
    if (failed() || open_.empty()) return;
    XmlElement done = std::move(open_.back());
    open_.pop_back();
    if (open_.empty()) {
      root_ = std::move(done);
    } else {
      open_.back().children.push_back(std::move(done));
    }
  }

  void Text(const XML_Char* text, int length) {
    if (failed() || open_.empty()) return;
    open_.back().text.append(text, static_cast<size_t>(length));
  }

  // Stops the parser; the detail is reported instead of expat's "parsing aborted".
  void Fail(std::string detail) {
    if (failed()) return;
    failure_ = std::move(detail);
    XML_StopParser(parser_, XML_FALSE);
  }

  bool failed() const { return failure_.has_value(); }
  const std::string& failure() const { return *failure_; }
  std::optional<XmlElement>& root() { return root_; }

 private:
  XML_Parser parser_;
  const XmlLimits& limits_;
  std::vector<XmlElement> open_;  // the open elements, outermost first
  size_t elements_ = 0;
  std::optional<XmlElement> root_;
  std::optional<std::string> failure_;
};

Builder& BuilderOf(void* user_data) { return *static_cast<Builder*>(user_data); }

void OnStart(void* user_data, const XML_Char* name, const XML_Char** attributes) {
  BuilderOf(user_data).Start(name, attributes);
}

void OnEnd(void* user_data, const XML_Char* /*name*/) { BuilderOf(user_data).End(); }

void OnText(void* user_data, const XML_Char* text, int length) {
  BuilderOf(user_data).Text(text, length);
}

void OnDoctype(void* user_data, const XML_Char* /*name*/, const XML_Char* /*system_id*/,
               const XML_Char* /*public_id*/, int /*has_internal_subset*/) {
  BuilderOf(user_data).Fail("a document type declaration (DTD) is not allowed");
}

void OnEntityDecl(void* user_data, const XML_Char* /*name*/, int /*is_parameter*/,
                  const XML_Char* /*value*/, int /*value_length*/, const XML_Char* /*base*/,
                  const XML_Char* /*system_id*/, const XML_Char* /*public_id*/,
                  const XML_Char* /*notation*/) {
  BuilderOf(user_data).Fail("an entity declaration is not allowed");
}

void InstallHandlers(XML_Parser parser, Builder& builder) {
  XML_SetUserData(parser, &builder);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  XML_SetStartDoctypeDeclHandler(parser, OnDoctype);
  XML_SetEntityDeclHandler(parser, OnEntityDecl);
  XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

std::string SyntaxError(XML_Parser parser) {
  return "line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ", column " +
         std::to_string(XML_GetCurrentColumnNumber(parser)) + ": " +
         XML_ErrorString(XML_GetErrorCode(parser));
}

}  // namespace

const XmlElement* XmlElement::Child(std::string_view local_name) const {
  for (const XmlElement& child : children) {
    if (child.name == local_name) return &child;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view local_name) const {
  std::vector<const XmlElement*> found;
  for (const XmlElement& child : children) {
    if (child.name == local_name) found.push_back(&child);
  }
  return found;
}

size_t XmlElement::CountChildren(std::string_view local_name) const {
  size_t count = 0;
  for (const XmlElement& child : children) count += child.name == local_name ? 1 : 0;
  return count;
}

XmlResult<XmlElement> ParseXml(std::string_view xml, const XmlLimits& limits) {
  if (xml.size() > limits.max_bytes || xml.size() > static_cast<size_t>(INT_MAX)) {
    return MalformedXml("the document is larger than " + std::to_string(limits.max_bytes) +
                        " bytes");
  }
  ParserPtr parser(XML_ParserCreateNS(nullptr, kNamespaceSeparator));
  if (!parser) return MalformedXml("out of memory creating the XML parser");
  Builder builder(parser.get(), limits);
  InstallHandlers(parser.get(), builder);
  XML_Status status =
      XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), /*isFinal=*/XML_TRUE);
  if (builder.failed()) return MalformedXml(builder.failure());
  if (status != XML_STATUS_OK) return MalformedXml(SyntaxError(parser.get()));
  if (!builder.root()) return MalformedXml("no root element");
  return std::move(*builder.root());
}

}  // namespace sf::engine::s3
