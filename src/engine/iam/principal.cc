#include "engine/iam/principal.h"

namespace sf::engine::iam {

Decision Authorize(const Principal& principal, std::string_view action, std::string_view resource) {
  if (principal.administrator()) return Decision::kAllow;
  if (principal.role == nullptr) return Decision::kImplicitDeny;
  AccessRequest request;
  request.action = action;
  request.resource = resource;
  request.keys = {&principal.role->keys, &principal.session->keys};
  return Evaluate(principal.role->policies, request);
}

std::string DenialMessage(const Principal& principal, std::string_view action,
                          std::string_view resource, Decision decision, bool quote_resource) {
  std::string message = "User: ";
  message += principal.session != nullptr ? principal.session->arn : "(administrator)";
  message += " is not authorized to perform: ";
  message += action;
  message += " on resource: ";
  if (quote_resource) message += '"';
  message += resource;
  if (quote_resource) message += '"';
  if (decision == Decision::kExplicitDeny) {
    message += " with an explicit deny in an identity-based policy";
  } else {
    message += " because no identity-based policy allows the ";
    message += action;
    message += " action";
  }
  return message;
}

std::optional<ApiError> AccessDenied(const Principal& principal, std::string_view action,
                                     std::string_view resource, int status) {
  Decision decision = Authorize(principal, action, resource);
  if (decision == Decision::kAllow) return std::nullopt;
  return ApiError{"AccessDeniedException", DenialMessage(principal, action, resource, decision),
                  status};
}

}  // namespace sf::engine::iam
