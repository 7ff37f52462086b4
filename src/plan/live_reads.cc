#include "plan/live_reads.h"

#include <map>

#include "provider/fan_out.h"

namespace sf::plan {

namespace {

constexpr size_t kMaxThreads = 8;

Error NoProvider(const std::string& type) {
  return Error{ErrorCode::kNotFound, type + ": no provider"};
}

}  // namespace

std::vector<Result<provider::LiveState>> ReadLive(const provider::ProviderRegistry& providers,
                                                  const std::vector<LiveKey>& keys) {
  std::map<std::string, std::vector<size_t>> by_type;
  for (size_t i = 0; i < keys.size(); ++i) by_type[keys[i].type].push_back(i);
  std::vector<const std::vector<size_t>*> groups;
  for (const auto& [type, indexes] : by_type) groups.push_back(&indexes);

  std::vector<Result<provider::LiveState>> out(keys.size(),
                                               tl::unexpected(Error{ErrorCode::kInternal, ""}));
  provider::ForEachParallel(groups.size(), kMaxThreads, 1, [&](size_t g) {
    const std::vector<size_t>& indexes = *groups[g];
    const std::string& type = keys[indexes.front()].type;
    provider::Provider* p = providers.Find(type);
    std::vector<std::string> ids;
    for (size_t i : indexes) ids.push_back(keys[i].physical_id);
    std::vector<Result<provider::LiveState>> read;
    if (p != nullptr) read = p->Read(ids);
    for (size_t k = 0; k < indexes.size(); ++k) {
      if (p == nullptr) {
        out[indexes[k]] = tl::unexpected(NoProvider(type));
      } else if (read.size() != ids.size()) {
        out[indexes[k]] = tl::unexpected(
            Error{ErrorCode::kInternal, type + ": Read answered " + std::to_string(read.size()) +
                                            " results for " + std::to_string(ids.size()) + " ids"});
      } else {
        out[indexes[k]] = std::move(read[k]);
      }
    }
  });
  return out;
}

std::vector<Result<provider::DataFacts>> ReadDataHeld(const provider::ProviderRegistry& providers,
                                                      const std::vector<LiveKey>& keys) {
  std::vector<Result<provider::DataFacts>> out(keys.size(), provider::DataFacts{});
  provider::ForEachParallel(keys.size(), kMaxThreads, 1, [&](size_t i) {
    provider::Provider* p = providers.Find(keys[i].type);
    out[i] = p != nullptr ? p->DataHeld(keys[i].physical_id)
                          : Result<provider::DataFacts>(tl::unexpected(NoProvider(keys[i].type)));
  });
  return out;
}

}  // namespace sf::plan
