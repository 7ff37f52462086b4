#pragma once
// Helpers for the stack store tests: a StackStore on a VirtualClock in a temporary directory,
// and records built from a few facts (stage, exports, imports).

#include "../../support/temp_dir.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "engine/stack/stack_store.h"

namespace sf::engine::stack_test {

inline constexpr int64_t kStartMs = 1700000000000;

class StackStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto opened = StackStore::Open(dir_.File("stacks.db"), clock_);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
  }

  // Takes the stack's lock (which must be free) for `ttl_ms`.
  std::string Lock(const std::string& name, int64_t ttl_ms = 60000) {
    auto lock = store_->AcquireLock(name, "tester", "apply", ttl_ms, "");
    EXPECT_TRUE(lock) << lock.error().message;
    return lock ? lock->lock_id : "";
  }

  static stackapi::StackRecord Record(const std::string& name, const std::string& stage = "dev",
                                      const std::map<std::string, std::string>& exports = {},
                                      const std::vector<std::string>& imports = {}) {
    stackapi::StackRecord record;
    record.name = name;
    record.project = "proj";
    record.stage = stage;
    record.stack = name;
    record.status = "CREATE_COMPLETE";
    for (const auto& [export_name, value] : exports) {
      record.outputs.push_back({"Out" + export_name, value, export_name, ""});
    }
    record.imports = imports;
    return record;
  }

  // Locks, puts `record` expecting `expect`, and unlocks; the new revision.
  int64_t PutUnlocked(const stackapi::StackRecord& record, int64_t expect) {
    std::string lock_id = Lock(record.name);
    auto put = store_->Put(record.name, lock_id, expect, stackapi::ToJson(record));
    EXPECT_TRUE(put) << put.error().message;
    EXPECT_TRUE(store_->ReleaseLock(record.name, lock_id));
    return put ? *put : -1;
  }

  testing_support::TempDir dir_{"stack_store"};
  VirtualClock clock_{kStartMs};
  std::unique_ptr<StackStore> store_;
};

}  // namespace sf::engine::stack_test
