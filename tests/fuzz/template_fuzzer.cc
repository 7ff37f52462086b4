// libFuzzer target: any bytes, as a template, through the whole offline pipeline (parse,
// tags, SAM transform, sections, parameters, resolution, schema validation, graph). It must
// never crash, hang or leak, whatever the input.

#include <cstddef>
#include <cstdint>
#include <string>

#include "project/stack_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sf::StackSource source;
  source.name = "fuzz";
  source.path = "fuzz.yaml";
  source.stack_name = "fuzz";
  source.text = std::string(reinterpret_cast<const char*>(data), size);
  sf::Diagnostics diagnostics;
  sf::StackSet set = sf::BuildStackSet({source}, sf::StackSetOptions{}, diagnostics);
  (void)set.resource_graph.ToDot("fuzz");
  return 0;
}
