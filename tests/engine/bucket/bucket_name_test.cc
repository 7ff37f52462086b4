// Bucket naming rules.

#include "engine/bucket/bucket_name.h"

#include <gtest/gtest.h>

namespace sf::engine {
namespace {

TEST(BucketNameTest, AcceptsValidNames) {
  for (const char* name : {"abc", "my-bucket", "my.bucket.1", "a1b", "123",
                           "a23456789012345678901234567890123456789012345678901234567890123",
                           "192.168.5", "xn-x", "data-s3", "192.168.1.1a"}) {
    EXPECT_EQ(BucketNameProblem(name), std::nullopt) << name;
  }
}

TEST(BucketNameTest, RejectsInvalidNamesWithAReason) {
  struct Case {
    const char* name;
    const char* reason_part;
  };
  for (const Case& c :
       {Case{"ab", "3-63"},
        Case{"a234567890123456789012345678901234567890123456789012345678901234", "3-63"},
        Case{"My-Bucket", "lowercase"}, Case{"my_bucket", "lowercase"},
        Case{"-abc", "begin and end"}, Case{"abc-", "begin and end"}, Case{".abc", "begin and end"},
        Case{"a..b", "adjacent dots"}, Case{"192.168.5.4", "IP address"}, Case{"xn--abc", "xn--"},
        Case{"bucket-s3alias", "-s3alias"}, Case{"my bucket", "lowercase"},
        Case{"sthree-x", "sthree-"}, Case{"abc--ol-s3", "--ol-s3"}}) {
    auto problem = BucketNameProblem(c.name);
    ASSERT_TRUE(problem.has_value()) << c.name;
    EXPECT_NE(problem->find(c.reason_part), std::string::npos) << c.name << ": " << *problem;
  }
}

}  // namespace
}  // namespace sf::engine
