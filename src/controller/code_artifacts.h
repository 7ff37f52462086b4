#pragma once
// Function code for a stage's SAM functions with a local CodeUri: each directory is zipped
// deterministically (artifact/zip_builder.h) once per session and named by its digest, so the
// plan sees `Code: {S3Bucket: streamform-artifacts, S3Key: code/<sha256>.zip}` and a code
// change is a property change. Nothing is written while planning; apply uploads the artifacts
// its changeset uses into the engine's artifact bucket (made when missing) before any
// function is created or updated, skipping those already there. Thread-safe.
//
// Where the code comes from: a stage with a `gitRef` deploys the directory as that commit has
// it (artifact/git_source.h), whatever the working tree holds; a working tree that differs
// there is a warning, not an error. A stage without one packages the files as they are.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "artifact/zip_builder.h"
#include "base/result.h"
#include "base/value.h"
#include "plan/changeset.h"
#include "state/stack_state_client.h"

namespace sf::controller {

class CodeArtifacts {
 public:
  // `git_ref`: the stage's gitRef ("" packages the working tree).
  explicit CodeArtifacts(std::string git_ref = "") : git_ref_(std::move(git_ref)) {}

  // The plan's hook (StackSetOptions::code_artifact). A directory that cannot be packaged
  // gives nullopt and is remembered in problems().
  std::optional<Value> Code(const std::string& code_dir);
  // "stacks/functions/app: <why>", one per directory that could not be packaged.
  std::vector<std::string> problems() const;
  // "stacks/functions/app: <what>", one per directory whose working tree differs from gitRef.
  std::vector<std::string> warnings() const;

  // Uploads the artifacts that `changeset`'s desired properties refer to. Returns one note
  // per artifact uploaded.
  Result<std::vector<std::string>> Upload(const plan::Changeset& changeset,
                                          const state::EngineEndpoint& engine);

 private:
  // The zip of `code_dir`, from gitRef or the working tree; a warning when they differ.
  Result<artifact::ZipArtifact> Package(const std::string& code_dir, std::string* source,
                                        std::optional<std::string>* warning) const;

  const std::string git_ref_;
  mutable std::mutex mu_;
  std::map<std::string, std::optional<Value>> by_dir_;  // code_dir -> its Code
  std::map<std::string, std::string> zips_;             // S3Key -> zip bytes
  std::map<std::string, std::string> sources_;          // S3Key -> code_dir, for notes
  std::vector<std::string> problems_;
  std::vector<std::string> warnings_;
};

}  // namespace sf::controller
