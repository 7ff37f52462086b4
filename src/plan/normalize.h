#pragma once
// Schema-driven normalisation of a resource's properties, applied to every side of every
// comparison the planner makes (template, last applied, live), so that what CloudFormation
// treats as equal compares equal and "apply, then plan again" shows no changes:
// - scalars take the type the schema gives them, as CloudFormation converts them: "5" is 5
//   for an integer ("05" and "5.0" too), "true" is true for a boolean, 5 is "5" for a string;
// - arrays whose schema says insertionOrder: false are sorted into a canonical order, so they
//   compare as multisets (Tags, whose items are {Key, Value}, end up ordered by Key);
// - with `fill_defaults`, an absent property takes its schema `default`: a top-level one, or a
//   member of an object that is there (a nested default applies only inside an object given);
// - with `drop_read_only`, read-only properties (the schema's readOnlyProperties) are removed.
// Unknowns, and values the schema says nothing about, are left as they are. Pure; thread-safe.

#include <nlohmann/json.hpp>
#include <string>

#include "base/value.h"
#include "schema/schema.h"

namespace sf::plan {

struct NormalizeOptions {
  bool fill_defaults = true;
  bool drop_read_only = true;
};

// `properties` is a resource's property map; `schema` may be nullptr (then only the map is
// copied).
Value Normalize(const ResourceSchema* schema, const Value& properties,
                const NormalizeOptions& options = {});

// Canonical JSON text of a value (object keys sorted; Unknowns as "(known after apply: ...)"):
// the sort key of multiset arrays and the input of fingerprints.
std::string CanonicalJson(const Value& value);

// A plain JSON document as a Value (numbers keep their JSON text). Schema defaults, recorded
// attributes and export values are plain JSON.
Value ValueFromPlainJson(const nlohmann::json& json);

}  // namespace sf::plan
