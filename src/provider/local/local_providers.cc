#include "provider/local/local_providers.h"

#include "provider/local/delivery_stream_provider.h"
#include "provider/local/event_source_mapping_provider.h"
#include "provider/local/events_rule_provider.h"
#include "provider/local/iam_role_provider.h"
#include "provider/local/kinesis_stream_provider.h"
#include "provider/local/lambda_function_provider.h"
#include "provider/local/lambda_permission_provider.h"
#include "provider/local/s3_bucket_provider.h"

namespace sf::provider {

void RegisterLocalProviders(ProviderRegistry& registry, const std::string& endpoint,
                            const auth::Credentials& credentials, const std::string& region) {
  registry.Register(std::make_unique<KinesisStreamProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<S3BucketProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<IamRoleProvider>(endpoint, credentials));
  registry.Register(std::make_unique<LambdaFunctionProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<EventsRuleProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<LambdaPermissionProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<EventSourceMappingProvider>(endpoint, credentials, region));
  registry.Register(std::make_unique<DeliveryStreamProvider>(endpoint, credentials, region));
}

}  // namespace sf::provider
