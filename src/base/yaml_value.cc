#include "base/yaml_value.h"

namespace sf {

Value ScalarToValue(const Node& node) {
  if (node.quoted()) return Value::String(node.scalar());
  if (node.LooksNumeric()) return Value::Number(node.scalar());
  if (node.LooksBool()) {
    const std::string& s = node.scalar();
    return Value::Bool(s == "true" || s == "True" || s == "TRUE");
  }
  return Value::String(node.scalar());
}

Value NodeToValue(const Node& node) {
  Value value;
  switch (node.kind()) {
    case Node::Kind::kNull:
      break;
    case Node::Kind::kScalar:
      value = ScalarToValue(node);
      break;
    case Node::Kind::kSequence:
      value = Value::List();
      for (const auto& item : node.items()) value.items().push_back(NodeToValue(item));
      break;
    case Node::Kind::kMap:
      value = Value::Map();
      for (const auto& [key, item] : node.entries()) {
        value.members().emplace_back(key.scalar(), NodeToValue(item));
      }
      break;
  }
  return value.set_origin(node.mark());
}

}  // namespace sf
