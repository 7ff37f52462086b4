#pragma once
// Function code for a stage's SAM functions with a local CodeUri: each directory is zipped
// deterministically (artifact/zip_builder.h) once per session and named by its digest, so the
// plan sees `Code: {S3Bucket: streamform-artifacts, S3Key: code/<sha256>.zip}` and a code
// change is a property change. Nothing is written while planning; apply uploads the artifacts
// its changeset uses into the engine's artifact bucket (made when missing) before any
// function is created or updated, skipping those already there. Thread-safe.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/value.h"
#include "plan/changeset.h"
#include "state/stack_state_client.h"

namespace sf::controller {

class CodeArtifacts {
 public:
  // The plan's hook (StackSetOptions::code_artifact). A directory that cannot be packaged
  // gives nullopt and is remembered in problems().
  std::optional<Value> Code(const std::string& code_dir);
  // "stacks/functions/app: <why>", one per directory that could not be packaged.
  std::vector<std::string> problems() const;

  // Uploads the artifacts that `changeset`'s desired properties refer to. Returns one note
  // per artifact uploaded.
  Result<std::vector<std::string>> Upload(const plan::Changeset& changeset,
                                          const state::EngineEndpoint& engine);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::optional<Value>> by_dir_;  // code_dir -> its Code
  std::map<std::string, std::string> zips_;             // S3Key -> zip bytes
  std::map<std::string, std::string> sources_;          // S3Key -> code_dir, for notes
  std::vector<std::string> problems_;
};

}  // namespace sf::controller
