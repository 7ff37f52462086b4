#pragma once
// An error an engine API returns to its client: AWS's error type (the `__type` of JSON
// protocols, the `Code` of S3's XML), its message, and the HTTP status.

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace sf::engine {

struct ApiError {
  std::string type;
  std::string message;
  int status = 400;
};

template <class T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> ApiFail(std::string type, std::string message, int status = 400) {
  return tl::unexpected<ApiError>(ApiError{std::move(type), std::move(message), status});
}

}  // namespace sf::engine
