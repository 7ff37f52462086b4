#pragma once
// Reading a template: parse, normalise tags, apply the SAM transform, then read the sections
// into a Template. Structural problems (unknown sections, keys and policies, wrong shapes)
// are reported to `diagnostics`; whatever could be read is still returned, so that later
// checks can report their problems in the same run.

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.h"
#include "template/template.h"

namespace sf {

// nullopt only when the text is not a YAML/JSON mapping at all.
std::optional<Template> LoadTemplate(std::string_view text, const std::string& file,
                                     Diagnostics& diagnostics);
std::optional<Template> LoadTemplateFile(const std::string& path, Diagnostics& diagnostics);

// Reads the sections of an already-normalised and transformed document.
Template ReadTemplate(std::shared_ptr<const Document> document, Diagnostics& diagnostics);

}  // namespace sf
