#include "artifact/git_source.h"

#include <git2.h>

#include <algorithm>
#include <filesystem>
#include <memory>

namespace sf::artifact {

namespace fs = std::filesystem;

namespace {

// libgit2 is initialised once per process and never shut down (it keeps global caches that
// other threads may still be using when statics are destroyed). Owner validation (git's
// safe.directory) is off: it guards against running another user's hooks and config commands,
// and this only reads objects, so a checkout made by another user (a CI runner, a container
// volume) still deploys.
void EnsureLibgit2() {
  static const bool initialised = [] {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    return true;
  }();
  (void)initialised;
}

std::string LastError() {
  const git_error* error = git_error_last();
  return error != nullptr && error->message != nullptr ? error->message : "unknown libgit2 error";
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Repository = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;

bool AnySkipped(const std::string& relative) {
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    if (SkippedInArtifacts(std::string_view(relative).substr(start, end - start))) return true;
    start = end + 1;
  }
  return false;
}

// Collects the files of `tree` (at `path`, relative to the packaged directory) into `out`.
class Walker {
 public:
  Walker(git_repository* repo, std::string where, int64_t max_bytes, GitSnapshot& out)
      : repo_(repo), where_(std::move(where)), max_bytes_(max_bytes), out_(out) {}

  Status Walk(const git_tree* tree, const std::string& path) {
    size_t count = git_tree_entrycount(tree);
    for (size_t i = 0; i < count; ++i) {
      const git_tree_entry* entry = git_tree_entry_byindex(tree, i);
      std::string name = git_tree_entry_name(entry);
      if (SkippedInArtifacts(name)) continue;
      std::string relative = path + name;
      switch (git_tree_entry_filemode(entry)) {
        case GIT_FILEMODE_TREE: {
          git_tree* raw = nullptr;
          if (git_tree_lookup(&raw, repo_, git_tree_entry_id(entry)) != 0) return ReadError();
          Tree sub(raw);
          if (auto walked = Walk(sub.get(), relative + "/"); !walked) return walked;
          break;
        }
        case GIT_FILEMODE_BLOB:
        case GIT_FILEMODE_BLOB_EXECUTABLE: {
          if (auto added = AddBlob(entry, relative); !added) return added;
          break;
        }
        case GIT_FILEMODE_LINK:
          return Fail(ErrorCode::kInvalidArgument,
                      "refusing to package the symbolic link " + relative + " (" + where_ +
                          "): it could point outside the code directory; commit the file instead");
        case GIT_FILEMODE_COMMIT:
          return Fail(ErrorCode::kInvalidArgument,
                      "cannot package the submodule " + relative + " (" + where_ +
                          "): commit its files in this repository instead");
        default:
          break;
      }
    }
    return {};
  }

 private:
  Status AddBlob(const git_tree_entry* entry, const std::string& relative) {
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, repo_, git_tree_entry_id(entry)) != 0) return ReadError();
    Blob blob(raw);
    auto size = static_cast<int64_t>(git_blob_rawsize(blob.get()));
    unpacked_ += size;
    if (unpacked_ > max_bytes_) {
      return Fail(ErrorCode::kInvalidArgument, "the code (" + where_ + ") is more than " +
                                                   std::to_string(max_bytes_) +
                                                   " bytes unpacked, Lambda's limit");
    }
    const char* bytes = static_cast<const char*>(git_blob_rawcontent(blob.get()));
    out_.entries.push_back({relative, std::string(bytes, static_cast<size_t>(size)),
                            git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE});
    return {};
  }
  Status ReadError() const {
    return Fail(ErrorCode::kIo, "cannot read " + where_ + ": " + LastError());
  }

  git_repository* repo_;
  std::string where_;  // "<ref> (<short id>) in <repo>", for messages
  int64_t max_bytes_;
  GitSnapshot& out_;
  int64_t unpacked_ = 0;
};

// The working-tree paths under `prefix` that differ from `tree` (see GitSnapshot::differing).
Result<std::vector<std::string>> Differing(git_repository* repo, git_tree* tree,
                                           const std::string& prefix) {
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS;
  std::string spec = prefix;
  char* specs[] = {spec.data()};
  if (!prefix.empty()) {
    options.pathspec.strings = specs;
    options.pathspec.count = 1;
  }
  git_diff* raw = nullptr;
  if (git_diff_tree_to_workdir(&raw, repo, tree, &options) != 0) {
    return Fail(ErrorCode::kIo, "cannot compare the working tree: " + LastError());
  }
  Diff diff(raw);
  std::vector<std::string> paths;
  size_t count = git_diff_num_deltas(diff.get());
  for (size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    const char* path =
        delta->new_file.path != nullptr ? delta->new_file.path : delta->old_file.path;
    std::string relative = path;
    if (!prefix.empty()) {
      if (relative.rfind(prefix + "/", 0) != 0) continue;
      relative = relative.substr(prefix.size() + 1);
    }
    if (!AnySkipped(relative)) paths.push_back(relative);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

}  // namespace

Result<GitSnapshot> ReadGitDirectory(const std::string& directory, const std::string& ref,
                                     int64_t max_unpacked_bytes) {
  EnsureLibgit2();
  std::error_code error;
  fs::path absolute = fs::canonical(directory, error);
  if (error || !fs::is_directory(absolute)) {
    return Fail(ErrorCode::kNotFound, "no directory " + directory);
  }
  git_repository* raw_repo = nullptr;
  if (git_repository_open_ext(&raw_repo, absolute.c_str(), 0, nullptr) != 0) {
    return Fail(ErrorCode::kNotFound, directory + " is not inside a git repository (" +
                                          LastError() + "), so gitRef " + ref +
                                          " cannot be read; commit the project to git, or "
                                          "remove the stage's gitRef to package the files as "
                                          "they are");
  }
  Repository repo(raw_repo);
  const char* workdir = git_repository_workdir(repo.get());
  if (workdir == nullptr) {
    return Fail(ErrorCode::kNotFound, directory + " is in a bare repository");
  }
  fs::path top = fs::canonical(workdir, error);
  if (error) return Fail(ErrorCode::kIo, "cannot resolve the working tree " + std::string(workdir));
  std::string prefix = fs::relative(absolute, top).generic_string();
  if (prefix == ".") prefix.clear();
  if (prefix.rfind("..", 0) == 0) {
    return Fail(ErrorCode::kNotFound, directory + " is outside its repository's working tree");
  }

  git_object* raw_target = nullptr;
  if (git_revparse_single(&raw_target, repo.get(), ref.c_str()) != 0) {
    return Fail(ErrorCode::kNotFound,
                "gitRef " + ref + " names nothing in " + top.string() + ": " + LastError());
  }
  Object target(raw_target);
  git_object* raw_commit = nullptr;
  if (git_object_peel(&raw_commit, target.get(), GIT_OBJECT_COMMIT) != 0) {
    return Fail(ErrorCode::kNotFound, "gitRef " + ref + " is not a commit: " + LastError());
  }
  Object commit(raw_commit);
  GitSnapshot snapshot;
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof(hex), git_object_id(commit.get()));
  snapshot.commit = hex;
  std::string where = "gitRef " + ref + " (" + snapshot.commit.substr(0, 12) + ")";

  git_tree* raw_root = nullptr;
  if (git_commit_tree(&raw_root, reinterpret_cast<git_commit*>(commit.get())) != 0) {
    return Fail(ErrorCode::kIo, "cannot read the tree of " + where + ": " + LastError());
  }
  Tree root(raw_root);
  Tree code;
  if (prefix.empty()) {
    git_tree* copy = nullptr;
    if (git_tree_dup(&copy, root.get()) != 0) return Fail(ErrorCode::kIo, LastError());
    code.reset(copy);
  } else {
    git_tree_entry* raw_entry = nullptr;
    if (git_tree_entry_bypath(&raw_entry, root.get(), prefix.c_str()) != 0) {
      return Fail(ErrorCode::kNotFound, prefix + " does not exist at " + where +
                                            ": commit it, or point the stage's gitRef at a "
                                            "commit that has it");
    }
    TreeEntry entry(raw_entry);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) {
      return Fail(ErrorCode::kNotFound, prefix + " is not a directory at " + where);
    }
    git_tree* raw_code = nullptr;
    if (git_tree_lookup(&raw_code, repo.get(), git_tree_entry_id(entry.get())) != 0) {
      return Fail(ErrorCode::kIo, "cannot read " + prefix + " at " + where + ": " + LastError());
    }
    code.reset(raw_code);
  }

  Walker walker(repo.get(), where, max_unpacked_bytes, snapshot);
  if (auto walked = walker.Walk(code.get(), ""); !walked) return tl::unexpected(walked.error());
  std::sort(snapshot.entries.begin(), snapshot.entries.end(),
            [](const ZipEntry& a, const ZipEntry& b) { return a.path < b.path; });
  auto differing = Differing(repo.get(), root.get(), prefix);
  if (!differing) return tl::unexpected(differing.error());
  snapshot.differing = std::move(*differing);
  return snapshot;
}

}  // namespace sf::artifact
