#include "engine/api/json_request.h"

#include <cctype>

#include "base/strings.h"

namespace sf::engine {

std::string LowerFirst(std::string_view name) {
  std::string out(name);
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

namespace {

struct ThreadParser {
  simdjson::dom::parser parser;
  bool busy = false;
};

ThreadParser& CurrentThreadParser() {
  thread_local ThreadParser thread_parser;
  return thread_parser;
}

}  // namespace

JsonRequest::~JsonRequest() {
  if (uses_thread_parser_) CurrentThreadParser().busy = false;
}

ApiResult<std::unique_ptr<JsonRequest>> JsonRequest::Parse(std::string_view body) {
  std::unique_ptr<JsonRequest> request(new JsonRequest());
  ThreadParser& thread_parser = CurrentThreadParser();
  if (!thread_parser.busy) {
    thread_parser.busy = true;
    request->uses_thread_parser_ = true;
    request->parser_ = &thread_parser.parser;
  } else {
    request->own_parser_ = std::make_unique<simdjson::dom::parser>();
    request->parser_ = request->own_parser_.get();
  }
  std::string_view text = body.empty() ? std::string_view("{}") : body;
  auto parsed = request->parser_->parse(text.data(), text.size(), true);
  if (parsed.error() != simdjson::SUCCESS) {
    return ApiFail("SerializationException", std::string("The request body is not valid JSON: ") +
                                                 simdjson::error_message(parsed.error()));
  }
  request->root_ = parsed.value();
  if (!request->root_.is_object()) {
    return ApiFail("SerializationException", "Start of list found where not expected");
  }
  return request;
}

namespace {

// AWS's JSON protocol reports a value of the wrong type in the words of its Java
// deserializer: "class java.lang.String can not be converted to an Integer".
std::string TypeError(simdjson::dom::element_type actual, const char* expected) {
  using T = simdjson::dom::element_type;
  switch (actual) {
    case T::ARRAY:
      return "Start of list found where not expected";
    case T::OBJECT:
      return "Start of structure or map found where not expected.";
    case T::STRING:
      return std::string("class java.lang.String can not be converted to ") + expected;
    case T::BOOL:
      return std::string("class java.lang.Boolean can not be converted to ") + expected;
    default:
      return std::string(
                 "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be "
                 "converted to ") +
             expected;
  }
}

}  // namespace

std::optional<std::string_view> JsonRequest::String(simdjson::dom::object object,
                                                    std::string_view name) {
  auto field = object[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (!field.is_string()) {
    if (!serialization_)
      serialization_ =
          ApiError{"SerializationException", TypeError(field.type(), "an String"), 400};
    return std::nullopt;
  }
  return field.get_string().value();
}

std::optional<std::string_view> JsonRequest::String(std::string_view name) {
  return String(root_.get_object().value(), name);
}

std::optional<int64_t> JsonRequest::Integer(std::string_view name) {
  auto field = root_[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_int64()) return field.get_int64().value();
  if (field.is_uint64() || field.is_double()) {  // AWS truncates fractional and clamps huge numbers
    double value = field.is_double() ? field.get_double().value()
                                     : static_cast<double>(field.get_uint64().value());
    if (value > 9.2e18) return INT64_MAX;
    return static_cast<int64_t>(value);
  }
  if (!serialization_)
    serialization_ = ApiError{"SerializationException", TypeError(field.type(), "an Integer"), 400};
  return std::nullopt;
}

std::optional<double> JsonRequest::Number(std::string_view name) {
  auto field = root_[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_double()) return field.get_double().value();
  if (field.is_int64()) return static_cast<double>(field.get_int64().value());
  if (field.is_uint64()) return static_cast<double>(field.get_uint64().value());
  if (!serialization_) {
    serialization_ = ApiError{"SerializationException",
                              TypeError(field.type(), "milliseconds since epoch"), 400};
  }
  return std::nullopt;
}

std::optional<bool> JsonRequest::Bool(std::string_view name) {
  auto field = root_[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_bool()) return field.get_bool().value();
  if (!serialization_)
    serialization_ = ApiError{"SerializationException", TypeError(field.type(), "a Boolean"), 400};
  return std::nullopt;
}

std::optional<simdjson::dom::array> JsonRequest::Array(std::string_view name) {
  auto field = root_[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_array()) return field.get_array().value();
  if (!serialization_) {
    serialization_ = ApiError{"SerializationException", "Expected list or null", 400};
  }
  return std::nullopt;
}

std::optional<simdjson::dom::object> JsonRequest::Object(std::string_view name) {
  auto field = root_[name];
  if (field.error() || field.is_null()) return std::nullopt;
  if (field.is_object()) return field.get_object().value();
  if (!serialization_) {
    serialization_ = ApiError{"SerializationException", "Expected map or null", 400};
  }
  return std::nullopt;
}

void JsonRequest::AddViolation(std::string value_text, std::string_view path,
                               std::string constraint) {
  violations_.emplace_back(std::string(path), "Value '" + value_text + "' at '" +
                                                  std::string(path) +
                                                  "' failed to satisfy constraint: " + constraint);
}

void JsonRequest::AddNullViolation(std::string_view path) {
  violations_.emplace_back(std::string(path),
                           "Value null at '" + std::string(path) +
                               "' failed to satisfy constraint: Member must not be null");
}

void JsonRequest::RequireString(const std::optional<std::string_view>& value,
                                std::string_view path) {
  if (!value) AddNullViolation(path);
}

void JsonRequest::CheckLength(std::string_view value, std::string_view path, size_t min,
                              size_t max) {
  size_t length = Utf8Length(value);
  if (length < min) {
    AddViolation(std::string(value), path,
                 "Member must have length greater than or equal to " + std::to_string(min));
  } else if (length > max) {
    AddViolation(std::string(value), path,
                 "Member must have length less than or equal to " + std::to_string(max));
  }
}

void JsonRequest::CheckNamePattern(std::string_view value, std::string_view path) {
  if (value.empty()) {
    AddViolation("", path, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    return;
  }
  for (char c : value) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
      AddViolation(std::string(value), path,
                   "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
      return;
    }
  }
}

void JsonRequest::CheckDigitsPattern(std::string_view value, std::string_view path,
                                     size_t max_digits, const char* pattern) {
  bool ok = !value.empty() && value.size() <= max_digits && (value == "0" || value[0] != '0');
  for (char c : value) ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok)
    AddViolation(std::string(value), path,
                 std::string("Member must satisfy regular expression pattern: ") + pattern);
}

void JsonRequest::CheckRange(int64_t value, std::string_view path, std::optional<int64_t> min,
                             std::optional<int64_t> max) {
  if (min && value < *min) {
    AddViolation(std::to_string(value), path,
                 "Member must have value greater than or equal to " + std::to_string(*min));
  } else if (max && value > *max) {
    AddViolation(std::to_string(value), path,
                 "Member must have value less than or equal to " + std::to_string(*max));
  }
}

void JsonRequest::CheckEnum(std::string_view value, std::string_view path,
                            const std::vector<std::string_view>& allowed) {
  for (auto option : allowed) {
    if (option == value) return;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  AddViolation(std::string(value), path,
               "Member must satisfy enum value set: [" + Join(names, ", ") + "]");
}

ApiResult<void> JsonRequest::Finish() const {
  if (serialization_) return tl::unexpected(*serialization_);
  if (violations_.empty()) return {};
  // AWS lists violations by member name; one member's violations keep their order.
  std::vector<std::pair<std::string, std::string>> sorted = violations_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t shown = std::min<size_t>(sorted.size(), 10);
  std::vector<std::string> first;
  for (size_t i = 0; i < shown; ++i) first.push_back(sorted[i].second);
  std::string message = std::to_string(violations_.size()) + " validation error" +
                        (violations_.size() > 1 ? "s" : "") + " detected: " + Join(first, "; ");
  return ApiFail("ValidationException", message);
}

}  // namespace sf::engine
