#include "engine/bucket/object_index.h"

#include <algorithm>

#include "base/base64.h"
#include "base/strings.h"

namespace sf::engine {
namespace {

// The continuation token: base64 of 'K' + the last key returned, or 'P' + the last common
// prefix returned (resuming after a prefix must skip every key under it).
std::string MakeToken(char kind, const std::string& value) {
  return Base64Encode(std::string(1, kind) + value);
}

// The smallest string greater than every string starting with `prefix`; "" if none exists.
std::string PrefixSuccessor(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return "";
}

}  // namespace

std::optional<uint64_t> ObjectIndex::Put(const std::string& key, ObjectIndexEntry entry) {
  auto [it, inserted] = entries_.try_emplace(key, entry);
  if (inserted) return std::nullopt;
  uint64_t old = it->second.size;
  it->second = std::move(entry);
  return old;
}

std::optional<uint64_t> ObjectIndex::Erase(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  uint64_t old = it->second.size;
  entries_.erase(it);
  return old;
}

StoreResult<ListResult> ObjectIndex::List(const ListRequest& request) const {
  int max_keys = std::clamp(request.max_keys, 0, 1000);
  if (max_keys == 0) return ListResult{};
  auto it = entries_.end();
  if (request.continuation_token) {
    auto decoded = Base64Decode(*request.continuation_token);
    if (!decoded || decoded->empty() || ((*decoded)[0] != 'K' && (*decoded)[0] != 'P')) {
      return StoreFail(StoreErrorCode::kInvalidArgument, "the continuation token is not valid");
    }
    std::string value = decoded->substr(1);
    if ((*decoded)[0] == 'K') {
      it = entries_.upper_bound(value);
    } else {
      std::string next = PrefixSuccessor(value);
      it = next.empty() ? entries_.end() : entries_.lower_bound(next);
    }
  } else {
    it = entries_.upper_bound(request.start_after);
  }
  if (it != entries_.end() && it->first < request.prefix) it = entries_.lower_bound(request.prefix);

  ListResult result;
  std::string last_token;
  while (it != entries_.end() && StartsWith(it->first, request.prefix)) {
    const std::string& key = it->first;
    size_t cut = std::string::npos;
    if (!request.delimiter.empty()) {
      cut = key.find(request.delimiter, request.prefix.size());
    }
    if (result.key_count == max_keys) {
      result.is_truncated = true;
      result.next_continuation_token = last_token;
      break;
    }
    if (cut == std::string::npos) {
      result.contents.push_back(ListedObject{key, it->second});
      last_token = MakeToken('K', key);
      ++it;
    } else {
      std::string common = key.substr(0, cut + request.delimiter.size());
      result.common_prefixes.push_back(common);
      last_token = MakeToken('P', common);
      std::string next = PrefixSuccessor(common);
      it = next.empty() ? entries_.end() : entries_.lower_bound(next);
    }
    ++result.key_count;
  }
  return result;
}

}  // namespace sf::engine
