#pragma once
// Plain conversion of YAML nodes to Values, with no intrinsic functions: for data files
// (the project file) and for the scalars of templates.

#include "base/value.h"
#include "base/yaml_document.h"

namespace sf {

// A scalar as YAML reads it: quoted is a string; plain is a number, a bool or a string.
Value ScalarToValue(const Node& node);

// The whole subtree; every value carries its node's mark as origin.
Value NodeToValue(const Node& node);

}  // namespace sf
