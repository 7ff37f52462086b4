#include "provider/provider.h"

namespace sf::provider {

// Registering a second provider for a type replaces the first (start-up code decides).
void ProviderRegistry::Register(std::unique_ptr<Provider> provider) {
  if (provider == nullptr) return;
  std::string name = provider->type_name();
  providers_[name] = std::move(provider);
}

Provider* ProviderRegistry::Find(const std::string& type_name) const {
  auto it = providers_.find(type_name);
  return it == providers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ProviderRegistry::TypeNames() const {
  std::vector<std::string> names;
  names.reserve(providers_.size());
  for (const auto& [name, provider] : providers_) names.push_back(name);
  return names;
}

}  // namespace sf::provider
