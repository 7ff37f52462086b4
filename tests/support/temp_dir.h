#pragma once
// A fresh directory under gtest's temp dir for one test, removed when the object goes. Its
// name carries the test's name and the pid, so parallel test processes do not collide.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace sf::testing_support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "test") {
    static int counter = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = prefix + "_" + (info ? info->name() : "x") + "_" +
                       std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised tests: "Name/0"
    path_ = std::filesystem::path(::testing::TempDir()) / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path`, creating its parent directories.
inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace sf::testing_support
