#include "engine/api/s3/xml/s3_error_xml.h"

#include "engine/api/s3/xml/xml_writer.h"

namespace sf::engine::s3 {

std::string WriteError(std::string_view code, std::string_view message, std::string_view resource,
                       std::string_view request_id, const std::vector<ErrorField>& extra) {
  std::string out;
  XmlWriter writer(out);
  writer.Declaration().Open("Error").Element("Code", code).Element("Message", message);
  for (const auto& [name, value] : extra) writer.Element(name, value);
  if (!resource.empty()) writer.Element("Resource", resource);
  if (!request_id.empty()) writer.Element("RequestId", request_id);
  writer.Close();
  return out;
}

std::string WriteError(const XmlError& error, std::string_view resource,
                       std::string_view request_id) {
  return WriteError(error.code, error.message, resource, request_id);
}

}  // namespace sf::engine::s3
