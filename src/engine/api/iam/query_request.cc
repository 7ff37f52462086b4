#include "engine/api/iam/query_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "auth/canonical.h"

namespace sf::engine::iam_api {

namespace {

// Form decoding: '+' is a space, then %XX escapes.
std::string FormDecode(std::string_view text) {
  std::string spaced(text);
  std::replace(spaced.begin(), spaced.end(), '+', ' ');
  return auth::PercentDecode(spaced);
}

bool IsNameChar(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' ||
         c == '-';
}

// Value text as AWS quotes it in validation messages.
std::string Quoted(std::string_view value) { return "'" + std::string(value) + "'"; }

}  // namespace

QueryRequest QueryRequest::Parse(std::string_view form) {
  QueryRequest request;
  while (!form.empty()) {
    std::string_view pair = form.substr(0, form.find('&'));
    form.remove_prefix(std::min(form.size(), pair.size() + 1));
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    std::string name = FormDecode(pair.substr(0, equals));
    std::string value = equals == std::string_view::npos ? "" : FormDecode(pair.substr(equals + 1));
    if (name == "Action") {
      request.action_ = std::move(value);
    } else if (name == "Version") {
      request.version_ = std::move(value);
    } else {
      request.params_[std::move(name)] = std::move(value);
    }
  }
  return request;
}

std::optional<std::string> QueryRequest::Get(const std::string& name) const {
  auto it = params_.find(name);
  if (it == params_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> QueryRequest::Members(const std::string& name) const {
  std::vector<std::string> out;
  for (size_t i = 1;; ++i) {
    auto value = Get(name + ".member." + std::to_string(i));
    if (!value) return out;
    out.push_back(std::move(*value));
  }
}

std::vector<std::pair<std::string, std::string>> QueryRequest::KeyValues(
    const std::string& name) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 1;; ++i) {
    std::string prefix = name + ".member." + std::to_string(i) + ".";
    auto key = Get(prefix + "Key");
    auto value = Get(prefix + "Value");
    if (!key && !value) return out;
    out.emplace_back(key.value_or(""), value.value_or(""));
  }
}

void QueryRequest::AddViolation(std::string_view value, std::string_view path,
                                std::string constraint) {
  violations_.push_back("Value " + Quoted(value) + " at '" + std::string(path) +
                        "' failed to satisfy constraint: " + std::move(constraint));
}

void QueryRequest::Required(const std::optional<std::string>& value, std::string_view path) {
  if (!value) {
    violations_.push_back("Value null at '" + std::string(path) +
                          "' failed to satisfy constraint: Member must not be null");
  }
}

void QueryRequest::Length(const std::optional<std::string>& value, std::string_view path,
                          size_t min, size_t max) {
  if (!value) return;
  if (value->size() < min) {
    AddViolation(*value, path,
                 "Member must have length greater than or equal to " + std::to_string(min));
  } else if (value->size() > max) {
    AddViolation(*value, path,
                 "Member must have length less than or equal to " + std::to_string(max));
  }
}

void QueryRequest::NamePattern(const std::optional<std::string>& value, std::string_view path) {
  if (!value || value->empty()) return;
  for (unsigned char c : *value) {
    if (!IsNameChar(c)) {
      AddViolation(*value, path, "Member must satisfy regular expression pattern: [\\w+=,.@-]+");
      return;
    }
  }
}

void QueryRequest::PathPattern(const std::optional<std::string>& value, std::string_view path,
                               bool prefix) {
  if (!value || value->empty()) return;
  bool valid = value->front() == '/' && (prefix || value->back() == '/');
  for (unsigned char c : *value) valid = valid && c >= 0x21 && c <= 0x7f;
  if (!valid) {
    AddViolation(*value, path,
                 prefix
                     ? "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*"
                     : "Member must satisfy regular expression pattern: "
                       "(\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)");
  }
}

void QueryRequest::TextPattern(const std::optional<std::string>& value, std::string_view path,
                               std::string_view pattern) {
  if (!value) return;
  for (unsigned char c : *value) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      AddViolation(*value, path,
                   "Member must satisfy regular expression pattern: " + std::string(pattern));
      return;
    }
  }
}

std::optional<int64_t> QueryRequest::Integer(const std::string& name, std::string_view path,
                                             int64_t min, int64_t max) {
  auto text = Get(name);
  if (!text) return std::nullopt;
  int64_t value = 0;
  auto parsed = std::from_chars(text->data(), text->data() + text->size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text->data() + text->size()) {
    AddViolation(*text, path, "Member must be an integer");
    return std::nullopt;
  }
  if (value < min) {
    AddViolation(*text, path,
                 "Member must have value greater than or equal to " + std::to_string(min));
  } else if (value > max) {
    AddViolation(*text, path,
                 "Member must have value less than or equal to " + std::to_string(max));
  }
  return value;
}

ApiResult<void> QueryRequest::Finish() const {
  if (violations_.empty()) return {};
  std::string message = std::to_string(violations_.size()) + " validation error" +
                        (violations_.size() == 1 ? "" : "s") + " detected: ";
  for (size_t i = 0; i < violations_.size(); ++i) {
    if (i > 0) message += "; ";
    message += violations_[i];
  }
  return ApiFail("ValidationError", message, 400);
}

std::string UrlEncode(std::string_view text) { return auth::UriEncode(text, false); }

}  // namespace sf::engine::iam_api
