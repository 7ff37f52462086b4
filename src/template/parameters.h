#pragma once
// Binding parameter values: a stage's values override the template's defaults, and every
// value is checked against its parameter's type and constraints (AllowedValues,
// AllowedPattern, Min/MaxLength, Min/MaxValue).

#include <map>
#include <string>
#include <vector>

#include "base/diagnostics.h"
#include "base/value.h"
#include "template/template.h"

namespace sf {

// A value given for a parameter from outside the template (a stage in the project file).
struct GivenParameter {
  Value value;
  SourceLocation location;  // where it was given
  std::string pointer;      // its JSON pointer in the project file
};

// Returns the value of every parameter that has one. A parameter with neither a given value
// nor a Default, a value that breaks a constraint, and a given value for a parameter the
// template does not declare (when `strict_unknown`) are reported. Values that break a
// constraint are left out, so references to them resolve to Unknown.
std::map<std::string, Value> BindParameters(const Template& tmpl,
                                            const std::map<std::string, GivenParameter>& given,
                                            bool strict_unknown, Diagnostics& diagnostics);

}  // namespace sf
