#pragma once
// A thin RAII layer over SQLite for the engine's stores: a connection opened crash-safe (WAL,
// synchronous=FULL: a committed transaction is on disk when COMMIT returns), prepared statements
// that finalize themselves, and a transaction that rolls back unless committed. Errors are
// values (kIo, with SQLite's message). Not thread-safe: the owning store serialises its calls.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sf::engine::sqlite {

class Db {
 public:
  // Opens (creating) the database at `path` in WAL mode with synchronous=FULL.
  static Result<std::unique_ptr<Db>> Open(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  sqlite3* get() const { return db_; }
  // kIo "<what>: <SQLite's last message>".
  Error Failure(std::string_view what) const;

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

class Statement {
 public:
  Statement(const Db& db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQL's ?1.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  // true: a row is ready (read it with Text/Int); false: done.
  Result<bool> Step();
  // Steps to the end (INSERT, UPDATE, DELETE).
  Status Run();
  // Makes the statement ready to run again (bindings are kept until re-bound).
  void Reset();
  // Columns of the current row, numbered from 0. NULL reads as "" and 0.
  std::string Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  const Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  int prepared_ = 0;  // the result code of sqlite3_prepare_v2
};

// BEGIN IMMEDIATE (the write lock is taken up front); rolled back when destroyed uncommitted.
class Transaction {
 public:
  static Result<std::unique_ptr<Transaction>> Begin(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Status Commit();

 private:
  explicit Transaction(Db& db) : db_(db) {}
  Db& db_;
  bool done_ = false;
};

}  // namespace sf::engine::sqlite
