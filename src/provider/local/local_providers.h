#pragma once
// The engine-backed providers (AWS::Kinesis::Stream, AWS::S3::Bucket, AWS::Lambda::Function,
// AWS::Events::Rule, AWS::Lambda::Permission, AWS::KinesisFirehose::DeliveryStream, ...),
// registered for one engine: `endpoint` is its
// base URL ("http://127.0.0.1:4560"), `credentials` and `region` those in its
// credentials.json. Nothing is contacted until a provider is called.

#include <string>

#include "auth/sigv4_types.h"
#include "provider/provider.h"

namespace sf::provider {

void RegisterLocalProviders(ProviderRegistry& registry, const std::string& endpoint,
                            const auth::Credentials& credentials, const std::string& region);

}  // namespace sf::provider
