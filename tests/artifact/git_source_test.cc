// ReadGitDirectory against repositories made with the git CLI: a directory as a ref has it, not
// as the working tree has it; what differs; refs, missing paths, links, submodule-free limits.

#include "artifact/git_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../support/temp_dir.h"

namespace sf::artifact {
namespace {

namespace fs = std::filesystem;

using testing_support::WriteFile;

// A repository in a temp dir with `app/handler.py`, an executable `app/bootstrap`, a byte-code
// cache and `README` at the top, committed on branch main and tagged v1.
class GitSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path();
    WriteFile(root_ / "README", "top level, not code\n");
    WriteFile(root_ / "app/handler.py", "def handler(event, context):\n    return 1\n");
    WriteFile(root_ / "app/bootstrap", "#!/bin/sh\n");
    fs::permissions(root_ / "app/bootstrap", fs::perms::owner_exec, fs::perm_options::add);
    WriteFile(root_ / "app/lib/util.py", "X = 1\n");
    WriteFile(root_ / "app/__pycache__/handler.cpython-311.pyc", "cache");
    Git("init -q -b main");
    Git("add -A");
    Commit("v1");
    Git("tag v1");
  }

  void Git(const std::string& args) {
    std::string command = "git -C '" + root_.string() + "' -c user.name=t -c user.email=t@e " +
                          "-c commit.gpgsign=false " + args + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void Commit(const std::string& message) { Git("commit -q -m " + message); }

  static std::map<std::string, std::string> Files(const GitSnapshot& snapshot) {
    std::map<std::string, std::string> files;
    for (const auto& entry : snapshot.entries) files[entry.path] = entry.content;
    return files;
  }

  testing_support::TempDir dir_{"git"};
  fs::path root_;
};

TEST_F(GitSourceTest, ReadsTheCommittedTreeNotTheWorkingTree) {
  WriteFile(root_ / "app/handler.py",
            "def handler(event, context):\n    return 2  # not committed\n");
  WriteFile(root_ / "app/new.py", "untracked\n");
  fs::remove(root_ / "app/lib/util.py");
  WriteFile(root_ / "README", "changed outside the code directory\n");
  auto snapshot = ReadGitDirectory((root_ / "app").string(), "HEAD");
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(snapshot->commit.size(), 40u);
  auto files = Files(*snapshot);
  EXPECT_EQ(files.size(), 3u);  // the cache is left out, README is outside
  EXPECT_EQ(files["handler.py"], "def handler(event, context):\n    return 1\n");
  EXPECT_EQ(files["lib/util.py"], "X = 1\n");
  for (const auto& entry : snapshot->entries) {
    EXPECT_EQ(entry.executable, entry.path == "bootstrap") << entry.path;
  }
  EXPECT_EQ(snapshot->differing, (std::vector<std::string>{"handler.py", "lib/util.py", "new.py"}));
}

TEST_F(GitSourceTest, EachRefHasItsOwnCode) {
  WriteFile(root_ / "app/handler.py", "v2\n");
  Git("add -A");
  Commit("v2");
  auto head = ReadGitDirectory((root_ / "app").string(), "main");
  auto tagged = ReadGitDirectory((root_ / "app").string(), "v1");
  auto parent = ReadGitDirectory((root_ / "app").string(), "HEAD~1");
  ASSERT_TRUE(head && tagged && parent);
  EXPECT_EQ(Files(*head)["handler.py"], "v2\n");
  EXPECT_NE(Files(*tagged)["handler.py"], "v2\n");
  EXPECT_EQ(tagged->commit, parent->commit);
  EXPECT_NE(head->commit, tagged->commit);
  EXPECT_TRUE(head->differing.empty());
  EXPECT_EQ(tagged->differing, (std::vector<std::string>{"handler.py"}));
  // The whole repository from its top.
  auto top = ReadGitDirectory(root_.string(), "v1");
  ASSERT_TRUE(top);
  EXPECT_EQ(Files(*top).count("README"), 1u);
  EXPECT_EQ(Files(*top).count("app/handler.py"), 1u);
}

// A clean working tree packages to the same bytes from git as from the directory, so the
// artifact's name does not depend on where the code was read from.
TEST_F(GitSourceTest, SameZipAsTheDirectoryWhenClean) {
  auto snapshot = ReadGitDirectory((root_ / "app").string(), "HEAD");
  ASSERT_TRUE(snapshot);
  auto from_git = ZipEntries(snapshot->entries);
  auto from_dir = ZipDirectory((root_ / "app").string());
  ASSERT_TRUE(from_git && from_dir);
  EXPECT_EQ(from_git->sha256, from_dir->sha256);
}

TEST_F(GitSourceTest, ClearErrors) {
  auto unknown = ReadGitDirectory((root_ / "app").string(), "no-such-branch");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("gitRef no-such-branch names nothing"), std::string::npos);

  WriteFile(root_ / "fresh/handler.py", "not committed yet\n");
  auto fresh = ReadGitDirectory((root_ / "fresh").string(), "HEAD");
  ASSERT_FALSE(fresh);
  EXPECT_NE(fresh.error().message.find("fresh does not exist at gitRef HEAD"), std::string::npos)
      << fresh.error().message;

  testing_support::TempDir plain("plain");
  auto outside = ReadGitDirectory(plain.path(), "HEAD");
  ASSERT_FALSE(outside);
  EXPECT_NE(outside.error().message.find("is not inside a git repository"), std::string::npos);

  auto too_big = ReadGitDirectory((root_ / "app").string(), "HEAD", 10);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(GitSourceTest, RefusesCommittedSymbolicLinks) {
  fs::create_symlink("/etc/passwd", root_ / "app/passwd");
  Git("add -A");
  Commit("link");
  auto snapshot = ReadGitDirectory((root_ / "app").string(), "HEAD");
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(snapshot.error().message.find("symbolic link passwd"), std::string::npos);
}

}  // namespace
}  // namespace sf::artifact
