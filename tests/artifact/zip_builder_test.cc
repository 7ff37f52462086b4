// Deterministic zips: same contents, same bytes; modes kept; caches and links handled.

#include "artifact/zip_builder.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "../support/temp_dir.h"

namespace sf::artifact {
namespace {

namespace fs = std::filesystem;

using testing_support::WriteFile;

// path -> (mode, content) of every entry, read back with libarchive.
std::map<std::string, std::pair<int, std::string>> Entries(const std::string& zip) {
  std::map<std::string, std::pair<int, std::string>> out;
  struct archive* archive = archive_read_new();
  archive_read_support_format_zip(archive);
  EXPECT_EQ(archive_read_open_memory(archive, zip.data(), zip.size()), ARCHIVE_OK);
  struct archive_entry* entry = nullptr;
  while (archive_read_next_header(archive, &entry) == ARCHIVE_OK) {
    std::string content(static_cast<size_t>(archive_entry_size(entry)), '\0');
    archive_read_data(archive, content.data(), content.size());
    out[archive_entry_pathname(entry)] = {archive_entry_perm(entry), content};
  }
  archive_read_free(archive);
  return out;
}

class ZipBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(fs::path(dir_.path()) / "code/app.py",
              "def lambda_handler(event, context):\n    return 1\n");
    WriteFile(fs::path(dir_.path()) / "code/lib/util.py", "X = 1\n");
    WriteFile(fs::path(dir_.path()) / "code/bootstrap", "#!/bin/sh\n");
    fs::permissions(fs::path(dir_.path()) / "code/bootstrap", fs::perms::owner_exec,
                    fs::perm_options::add);
  }
  std::string code() const { return (fs::path(dir_.path()) / "code").string(); }
  testing_support::TempDir dir_;
};

TEST_F(ZipBuilderTest, TheSameContentsGiveTheSameBytes) {
  auto first = ZipDirectory(code());
  ASSERT_TRUE(first) << first.error().message;
  // Touch every file (new times) and add a byte-code cache: nothing that matters changed.
  WriteFile(fs::path(dir_.path()) / "code/__pycache__/app.cpython-311.pyc", "cache");
  WriteFile(fs::path(dir_.path()) / "code/app.py",
            "def lambda_handler(event, context):\n    return 1\n");
  auto second = ZipDirectory(code());
  ASSERT_TRUE(second);
  EXPECT_EQ(first->bytes, second->bytes);
  EXPECT_EQ(first->sha256, second->sha256);
  EXPECT_EQ(first->files, 3);
  // The same tree elsewhere zips the same.
  fs::copy(code(), fs::path(dir_.path()) / "copy", fs::copy_options::recursive);
  fs::remove_all(fs::path(dir_.path()) / "copy/__pycache__");
  auto copy = ZipDirectory((fs::path(dir_.path()) / "copy").string());
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->sha256, first->sha256);

  WriteFile(fs::path(dir_.path()) / "code/lib/util.py", "X = 2\n");
  auto changed = ZipDirectory(code());
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->sha256, first->sha256);
}

TEST_F(ZipBuilderTest, EntriesKeepTheirContentAndExecutableBit) {
  auto zip = ZipDirectory(code());
  ASSERT_TRUE(zip);
  auto entries = Entries(zip->bytes);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries["bootstrap"].first, 0755);
  EXPECT_EQ(entries["app.py"].first, 0644);
  EXPECT_EQ(entries["lib/util.py"].second, "X = 1\n");
}

TEST_F(ZipBuilderTest, RefusesLinksMissingDirectoriesAndOversizedCode) {
  fs::create_symlink("/etc/passwd", fs::path(dir_.path()) / "code/passwd");
  auto linked = ZipDirectory(code());
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(linked.error().message.find("symbolic link"), std::string::npos);
  fs::remove(fs::path(dir_.path()) / "code/passwd");

  EXPECT_EQ(ZipDirectory((fs::path(dir_.path()) / "nowhere").string()).error().code,
            ErrorCode::kNotFound);
  auto big = ZipDirectory(code(), 10);
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("Lambda allows 10"), std::string::npos);
}

}  // namespace
}  // namespace sf::artifact
