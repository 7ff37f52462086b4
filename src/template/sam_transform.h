#pragma once
// The SAM transform (AWS::Serverless-2016-10-31), as SAM itself expands it.
//
// AWS::Serverless::Function `F` becomes:
//   F                       AWS::Lambda::Function
//   FRole                   AWS::IAM::Role (unless the function names its own Role)
//   F<Event>                AWS::Lambda::EventSourceMapping, for each event of Type Kinesis
//   F<Event>                AWS::Events::Rule, for each event of Type Schedule
//   F<Event>Permission      AWS::Lambda::Permission, letting that rule invoke F
// Globals.Function is merged into every function first (maps merge, lists append, scalars
// are overridden by the function's own value). A local CodeUri becomes
// Code {S3Bucket: streamform-artifacts, S3Key: local/<F>/<path>} plus the metadata key
// "streamform:CodeUri", which the artifact builder replaces with a content-addressed key.
// Every generated node keeps the mark of what it was made from, so diagnostics about
// generated resources point into the user's file.

#include "base/diagnostics.h"
#include "base/yaml_document.h"

namespace sf {

inline constexpr const char* kSamTransform = "AWS::Serverless-2016-10-31";
inline constexpr const char* kArtifactBucket = "streamform-artifacts";
inline constexpr const char* kCodeUriMetadata = "streamform:CodeUri";

// True when the template's Transform names the SAM transform.
bool IsSamTemplate(const Node& root);

// Expands the serverless resources of `document` in place. Unsupported SAM features
// (other event types, AutoPublishAlias, other AWS::Serverless types, ...) are errors.
void ApplySamTransform(Document& document, Diagnostics& diagnostics);

}  // namespace sf
