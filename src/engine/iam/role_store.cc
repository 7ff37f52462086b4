#include "engine/iam/role_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/iam/identifiers.h"
#include "engine/stack/sqlite_db.h"

namespace sf::engine::iam {

namespace {

using nlohmann::json;

std::string NameKey(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

std::string SessionIndex(const std::string& role_id, const std::string& session_name) {
  return role_id + "\n" + session_name;
}

tl::unexpected<ApiError> ServiceFailure(const Error& error) {
  return ApiFail("ServiceFailure", error.message, 500);
}

tl::unexpected<ApiError> NoSuchRole(std::string_view name) {
  return ApiFail("NoSuchEntity", "The role with name " + std::string(name) + " cannot be found.",
                 404);
}

json ToJson(const RoleRecord& r) {
  json tags = json::array();
  for (const RoleTag& tag : r.tags) tags.push_back({{"key", tag.key}, {"value", tag.value}});
  json policies = json::array();
  for (const InlinePolicy& p : r.inline_policies) {
    policies.push_back({{"name", p.name}, {"document", p.document}});
  }
  return {{"name", r.name},
          {"path", r.path},
          {"roleId", r.role_id},
          {"arn", r.arn},
          {"createdMs", r.created_ms},
          {"assumeRolePolicy", r.assume_role_policy},
          {"description", r.description},
          {"maxSessionSeconds", r.max_session_seconds},
          {"tags", tags},
          {"inlinePolicies", policies},
          {"attached", r.attached}};
}

Result<RoleRecord> FromJson(const std::string& text) {
  json row = json::parse(text, nullptr, false);
  if (row.is_discarded()) return Fail(ErrorCode::kParse, "a role row is not valid JSON");
  try {
    RoleRecord r;
    r.name = row.at("name").get<std::string>();
    r.path = row.at("path").get<std::string>();
    r.role_id = row.at("roleId").get<std::string>();
    r.arn = row.at("arn").get<std::string>();
    r.created_ms = row.at("createdMs").get<int64_t>();
    r.assume_role_policy = row.at("assumeRolePolicy").get<std::string>();
    r.description = row.at("description").get<std::string>();
    r.max_session_seconds = row.at("maxSessionSeconds").get<int>();
    for (const json& tag : row.at("tags")) {
      r.tags.push_back({tag.at("key").get<std::string>(), tag.at("value").get<std::string>()});
    }
    for (const json& p : row.at("inlinePolicies")) {
      r.inline_policies.push_back(
          {p.at("name").get<std::string>(), p.at("document").get<std::string>()});
    }
    r.attached = row.at("attached").get<std::vector<std::string>>();
    return r;
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("a role row is malformed: ") + e.what());
  }
}

// The database file exists, and only its owner may read it (it holds secret keys). SQLite
// creates the -wal and -shm files with the database file's mode.
Status CreatePrivate(const std::string& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kIo, "cannot create " + path);
  ::fchmod(fd, 0600);
  ::close(fd);
  return {};
}

}  // namespace

RoleStore::RoleStore(RoleStoreOptions options, std::unique_ptr<sqlite::Db> db)
    : options_(std::move(options)), db_(std::move(db)) {}

RoleStore::~RoleStore() = default;

Result<std::unique_ptr<RoleStore>> RoleStore::Open(const RoleStoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  const std::string path = options.data_dir + "/" + kRoleStoreFile;
  if (auto created = CreatePrivate(path); !created) return tl::unexpected(created.error());
  auto db = sqlite::Db::Open(path);
  if (!db) return tl::unexpected(db.error());
  if (auto made = (*db)->Exec(
          "CREATE TABLE IF NOT EXISTS roles (name_key TEXT PRIMARY KEY, record TEXT NOT NULL);"
          "CREATE TABLE IF NOT EXISTS sessions (access_key TEXT PRIMARY KEY, role_id TEXT NOT "
          "NULL, session_name TEXT NOT NULL, secret TEXT NOT NULL, token TEXT NOT NULL, "
          "created_ms INTEGER NOT NULL, UNIQUE (role_id, session_name))");
      !made) {
    return tl::unexpected(made.error());
  }
  std::unique_ptr<RoleStore> store(new RoleStore(options, std::move(*db)));
  if (auto loaded = store->Load(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

Status RoleStore::Load() {
  sqlite::Statement roles(*db_, "SELECT record FROM roles");
  for (;;) {
    auto row = roles.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto record = FromJson(roles.Text(0));
    if (!record) return tl::unexpected(record.error());
    std::string id = record->role_id;
    std::string key = NameKey(record->name);
    auto compiled = CompileRole(std::move(*record), options_.account, options_.region);
    if (!compiled) return Fail(ErrorCode::kParse, "role " + key + ": " + compiled.error().message);
    roles_[key] = std::move(*compiled);
    role_names_[id] = key;
  }
  sqlite::Statement sessions(
      *db_, "SELECT access_key, role_id, session_name, secret, token, created_ms FROM sessions");
  for (;;) {
    auto row = sessions.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto role = role_names_.find(sessions.Text(1));
    if (role == role_names_.end()) continue;  // its role is gone (deleted with it normally)
    auto session = std::make_shared<Session>();
    session->access_key = sessions.Text(0);
    session->role_id = sessions.Text(1);
    session->session_name = sessions.Text(2);
    session->secret_key = sessions.Text(3);
    session->token = sessions.Text(4);
    session->created_ms = sessions.Int(5);
    session->role_name = roles_[role->second]->record.name;
    session->arn = SessionArn(options_.account, session->role_name, session->session_name);
    session->keys = {{"aws:userid", session->role_id + ":" + session->session_name}};
    session_keys_[SessionIndex(session->role_id, session->session_name)] = session->access_key;
    sessions_[session->access_key] = std::move(session);
  }
  return {};
}

ApiResult<std::shared_ptr<const RoleAccess>> RoleStore::Store(RoleRecord record) {
  std::string key = NameKey(record.name);
  std::string id = record.role_id;
  std::string text = ToJson(record).dump();
  auto compiled = CompileRole(std::move(record), options_.account, options_.region);
  if (!compiled) return compiled;
  sqlite::Statement upsert(*db_, "INSERT OR REPLACE INTO roles (name_key, record) VALUES (?1, ?2)");
  if (auto written = upsert.Bind(1, key).Bind(2, text).Run(); !written) {
    return ServiceFailure(written.error());
  }
  std::unique_lock lock(mu_);
  roles_[key] = *compiled;
  role_names_[id] = key;
  return compiled;
}

ApiResult<std::shared_ptr<const RoleAccess>> RoleStore::Create(RoleRecord record) {
  std::lock_guard write(write_mu_);
  if (FindRole(record.name) != nullptr) {
    return ApiFail("EntityAlreadyExists", "Role with name " + record.name + " already exists.",
                   409);
  }
  record.role_id = NewRoleId();
  record.arn = RoleArn(options_.account, record.path, record.name);
  record.created_ms = options_.clock->NowMs();
  return Store(std::move(record));
}

ApiResult<std::shared_ptr<const RoleAccess>> RoleStore::Modify(std::string_view name,
                                                               const RoleChange& change) {
  std::lock_guard write(write_mu_);
  auto current = FindRole(name);
  if (current == nullptr) return NoSuchRole(name);
  RoleRecord record = current->record;
  if (auto changed = change(record); !changed) return tl::unexpected(changed.error());
  record.name = current->record.name;
  record.role_id = current->record.role_id;
  record.arn = current->record.arn;
  return Store(std::move(record));
}

ApiResult<void> RoleStore::Delete(
    std::string_view name, const std::function<ApiResult<void>(const RoleRecord&)>& precondition) {
  std::lock_guard write(write_mu_);
  auto current = FindRole(name);
  if (current == nullptr) return NoSuchRole(name);
  if (auto allowed = precondition(current->record); !allowed) return allowed;
  auto transaction = sqlite::Transaction::Begin(*db_);
  if (!transaction) return ServiceFailure(transaction.error());
  const std::string key = NameKey(current->record.name);
  const std::string& id = current->record.role_id;
  sqlite::Statement role(*db_, "DELETE FROM roles WHERE name_key = ?1");
  sqlite::Statement sessions(*db_, "DELETE FROM sessions WHERE role_id = ?1");
  if (auto done = role.Bind(1, key).Run(); !done) return ServiceFailure(done.error());
  if (auto done = sessions.Bind(1, id).Run(); !done) return ServiceFailure(done.error());
  if (auto committed = (*transaction)->Commit(); !committed) {
    return ServiceFailure(committed.error());
  }
  std::unique_lock lock(mu_);
  roles_.erase(key);
  role_names_.erase(id);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->second->role_id == id) {
      session_keys_.erase(SessionIndex(id, it->second->session_name));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return {};
}

std::shared_ptr<const RoleAccess> RoleStore::FindRole(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = roles_.find(NameKey(name));
  return it == roles_.end() ? nullptr : it->second;
}

std::shared_ptr<const RoleAccess> RoleStore::FindRoleByArn(std::string_view arn) const {
  auto role = FindRole(arn.substr(arn.rfind('/') + 1));
  return role != nullptr && role->record.arn == arn ? role : nullptr;
}

std::vector<std::shared_ptr<const RoleAccess>> RoleStore::Roles() const {
  std::vector<std::shared_ptr<const RoleAccess>> out;
  {
    std::shared_lock lock(mu_);
    out.reserve(roles_.size());
    for (const auto& [key, role] : roles_) out.push_back(role);
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a->record.name < b->record.name; });
  return out;
}

std::shared_ptr<const Session> RoleStore::NewSession(const RoleRecord& role,
                                                     const std::string& session_name) const {
  auto session = std::make_shared<Session>();
  session->access_key = NewSessionAccessKey();
  session->secret_key = NewSecretKey();
  session->token = NewSessionToken();
  session->role_id = role.role_id;
  session->role_name = role.name;
  session->session_name = session_name;
  session->arn = SessionArn(options_.account, role.name, session_name);
  session->created_ms = options_.clock->NowMs();
  session->keys = {{"aws:userid", role.role_id + ":" + session_name}};
  return session;
}

ApiResult<std::shared_ptr<const Session>> RoleStore::SessionFor(std::string_view role_name,
                                                                const std::string& session_name) {
  auto existing = [&]() -> std::shared_ptr<const Session> {
    auto role = FindRole(role_name);
    if (role == nullptr) return nullptr;
    std::shared_lock lock(mu_);
    auto key = session_keys_.find(SessionIndex(role->record.role_id, session_name));
    return key == session_keys_.end() ? nullptr : sessions_.at(key->second);
  };
  if (auto found = existing()) return found;
  std::lock_guard write(write_mu_);
  if (auto found = existing()) return found;  // made while we waited
  auto role = FindRole(role_name);
  if (role == nullptr) return NoSuchRole(role_name);
  auto session = NewSession(role->record, session_name);
  sqlite::Statement insert(*db_,
                           "INSERT INTO sessions (access_key, role_id, session_name, secret, "
                           "token, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.Bind(1, session->access_key)
      .Bind(2, session->role_id)
      .Bind(3, session->session_name)
      .Bind(4, session->secret_key)
      .Bind(5, session->token)
      .Bind(6, session->created_ms);
  if (auto written = insert.Run(); !written) return ServiceFailure(written.error());
  std::unique_lock lock(mu_);
  session_keys_[SessionIndex(session->role_id, session_name)] = session->access_key;
  sessions_[session->access_key] = session;
  return session;
}

std::shared_ptr<const Session> RoleStore::FindSession(std::string_view access_key) const {
  std::shared_lock lock(mu_);
  auto it = sessions_.find(access_key);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<const RoleAccess> RoleStore::RoleOf(const Session& session) const {
  std::shared_lock lock(mu_);
  auto name = role_names_.find(session.role_id);
  if (name == role_names_.end()) return nullptr;
  auto role = roles_.find(name->second);
  return role == roles_.end() ? nullptr : role->second;
}

}  // namespace sf::engine::iam
