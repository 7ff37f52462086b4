#include "engine/stack/sqlite_db.h"

#include <sqlite3.h>

namespace sf::engine::sqlite {

Result<std::unique_ptr<Db>> Db::Open(const std::string& path) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : "out of memory";
    sqlite3_close(handle);
    return Fail(ErrorCode::kIo, "cannot open " + path + ": " + message);
  }
  std::unique_ptr<Db> db(new Db(handle, path));
  if (auto status = db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"); !status) {
    return tl::unexpected(status.error());
  }
  return db;
}

Db::~Db() { sqlite3_close(db_); }

Status Db::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    return Fail(ErrorCode::kIo, path_ + ": " + text);
  }
  return {};
}

Error Db::Failure(std::string_view what) const {
  return Error{ErrorCode::kIo, path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_)};
}

Statement::Statement(const Db& db, const char* sql) : db_(db) {
  prepared_ = sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Result<bool> Statement::Step() {
  if (prepared_ != SQLITE_OK) return tl::unexpected(db_.Failure("prepare"));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return tl::unexpected(db_.Failure("step"));
}

Status Statement::Run() {
  for (;;) {
    auto row = Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::Reset() { sqlite3_reset(stmt_); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Transaction>> Transaction::Begin(Db& db) {
  if (auto begun = db.Exec("BEGIN IMMEDIATE"); !begun) return tl::unexpected(begun.error());
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) (void)db_.Exec("ROLLBACK");
}

Status Transaction::Commit() {
  auto committed = db_.Exec("COMMIT");
  if (committed) done_ = true;
  return committed;
}

}  // namespace sf::engine::sqlite
