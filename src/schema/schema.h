#pragma once
// Resource-type schemas, in the form of CloudFormation registry schemas (schemas/*.json,
// compiled into the binary), and what streamform reads from them: the attributes Fn::GetAtt
// may name (readOnlyProperties), what forces replacement (createOnlyProperties), what Ref
// returns, and what the local engine does not run (the "x-streamform" extension; see
// schemas/README.md).

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace sf {

struct ResourceSchema {
  std::string type_name;
  nlohmann::json document;  // the whole schema
  std::vector<std::string> property_names;
  std::vector<std::string> required;
  std::vector<std::string> attributes;   // "Arn", "Endpoint.Address": from readOnlyProperties
  std::vector<std::string> create_only;  // JSON pointers, "/properties/Name"
  std::vector<std::string> conditional_create_only;  // likewise
  std::string ref_property;  // the property Ref returns when set ("" if Ref is a generated id)
  std::string ref_description;
  bool engine_supported = true;
  std::vector<std::string> engine_unsupported;  // JSON pointers

  bool HasAttribute(const std::string& name) const;
};

// All schemas by type name. Thread-safe after construction; never changes.
class SchemaRegistry {
 public:
  // The schemas compiled into the binary. Aborts the process if one of them is malformed:
  // that is a build defect, caught by the tests.
  static const SchemaRegistry& Builtin();

  // Builds a registry from raw schema texts (tests use this).
  static Result<SchemaRegistry> FromTexts(const std::vector<std::string>& texts);

  const ResourceSchema* Find(const std::string& type_name) const;
  std::vector<std::string> TypeNames() const;

  // The project-file schema (schemas/streamform-project.json).
  const nlohmann::json& project_schema() const { return project_schema_; }

 private:
  std::map<std::string, ResourceSchema> schemas_;
  nlohmann::json project_schema_;
};

}  // namespace sf
