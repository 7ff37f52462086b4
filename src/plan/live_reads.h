#pragma once
// Batched reads of live state through the providers, for the planner and for checking a saved
// plan: keys are grouped by resource type, each type is read with one Provider::Read, and the
// types are read in parallel threads. DataHeld (which may list, so costs more) is asked only
// for the resources given, in parallel. No other I/O.

#include <string>
#include <vector>

#include "base/result.h"
#include "provider/provider.h"

namespace sf::plan {

struct LiveKey {
  std::string type;
  std::string physical_id;
};

// One result per key, in order. A type with no provider gives kNotFound for its keys; a
// provider that answers with the wrong number of results gives kInternal.
std::vector<Result<provider::LiveState>> ReadLive(const provider::ProviderRegistry& providers,
                                                  const std::vector<LiveKey>& keys);

// One result per key, in order.
std::vector<Result<provider::DataFacts>> ReadDataHeld(const provider::ProviderRegistry& providers,
                                                      const std::vector<LiveKey>& keys);

}  // namespace sf::plan
