#include "engine/function/store/function_store.h"

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "engine/stack/sqlite_db.h"

namespace sf::engine::function {

namespace {

nlohmann::json ToJson(const FunctionConfig& f) {
  nlohmann::json row = {{"name", f.name},
                        {"runtime", f.settings.runtime},
                        {"handler", f.settings.handler},
                        {"role", f.settings.role},
                        {"description", f.settings.description},
                        {"environment", f.settings.environment},
                        {"timeout", f.settings.timeout_seconds},
                        {"memory", f.settings.memory_mb},
                        {"codeSha256", f.code_sha256},
                        {"codeSize", f.code_size},
                        {"lastModifiedMs", f.last_modified_ms},
                        {"revisionId", f.revision_id},
                        {"state", f.state},
                        {"codeDir", f.code_dir}};
  if (f.reserved_concurrency) row["reservedConcurrency"] = *f.reserved_concurrency;
  if (!f.tags.empty()) row["tags"] = f.tags;
  return row;
}

Result<FunctionConfig> FromJson(const std::string& text) {
  nlohmann::json row = nlohmann::json::parse(text, nullptr, false);
  if (row.is_discarded()) return Fail(ErrorCode::kParse, "a function row is not valid JSON");
  try {
    FunctionConfig f;
    f.name = row.at("name").get<std::string>();
    f.settings.runtime = row.at("runtime").get<std::string>();
    f.settings.handler = row.at("handler").get<std::string>();
    f.settings.role = row.at("role").get<std::string>();
    f.settings.description = row.at("description").get<std::string>();
    f.settings.environment = row.at("environment").get<std::map<std::string, std::string>>();
    f.settings.timeout_seconds = row.at("timeout").get<int>();
    f.settings.memory_mb = row.at("memory").get<int>();
    if (row.contains("reservedConcurrency")) {
      f.reserved_concurrency = row["reservedConcurrency"].get<int>();
    }
    f.code_sha256 = row.at("codeSha256").get<std::string>();
    f.code_size = row.at("codeSize").get<int64_t>();
    f.last_modified_ms = row.at("lastModifiedMs").get<int64_t>();
    f.revision_id = row.at("revisionId").get<std::string>();
    f.state = row.at("state").get<std::string>();
    f.code_dir = row.at("codeDir").get<std::string>();
    if (row.contains("tags")) f.tags = row["tags"].get<std::map<std::string, std::string>>();
    return f;
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kParse, std::string("a function row is malformed: ") + e.what());
  }
}

tl::unexpected<ApiError> NotFound(const std::string& name) {
  return ApiFail("ResourceNotFoundException", "Function not found: " + name, 404);
}

tl::unexpected<ApiError> Internal(const Error& error) {
  return ApiFail("ServiceException", error.message, 500);
}

}  // namespace

FunctionStore::FunctionStore(std::string data_dir, ObjectStore* objects, const Clock& clock,
                             std::unique_ptr<sqlite::Db> db)
    : data_dir_(std::move(data_dir)), objects_(objects), clock_(clock), db_(std::move(db)) {}

FunctionStore::~FunctionStore() = default;

Result<std::unique_ptr<FunctionStore>> FunctionStore::Open(const std::string& data_dir,
                                                           ObjectStore* objects,
                                                           const Clock& clock) {
  std::error_code error;
  std::filesystem::create_directories(data_dir + "/functions", error);
  if (error)
    return Fail(ErrorCode::kIo, "cannot create " + data_dir + "/functions: " + error.message());
  auto db = sqlite::Db::Open(data_dir + "/functions.db");
  if (!db) return tl::unexpected(db.error());
  if (auto made = (*db)->Exec(
          "CREATE TABLE IF NOT EXISTS functions (name TEXT PRIMARY KEY, config TEXT NOT NULL)");
      !made) {
    return tl::unexpected(made.error());
  }
  std::string absolute = std::filesystem::absolute(data_dir, error).lexically_normal().string();
  if (error) absolute = data_dir;
  std::unique_ptr<FunctionStore> store(new FunctionStore(absolute, objects, clock, std::move(*db)));
  if (auto loaded = store->Load(); !loaded) return tl::unexpected(loaded.error());
  return store;
}

Status FunctionStore::Load() {
  sqlite::Statement select(*db_, "SELECT config FROM functions ORDER BY name");
  for (;;) {
    auto row = select.Step();
    if (!row) return tl::unexpected(row.error());
    if (!*row) break;
    auto config = FromJson(select.Text(0));
    if (!config) return tl::unexpected(config.error());
    functions_[config->name] = std::move(*config);
  }
  // Temporary unpack directories a crash left behind (see PlaceCode).
  std::error_code error;
  for (const auto& function :
       std::filesystem::directory_iterator(data_dir_ + "/functions", error)) {
    std::filesystem::path code = function.path() / "code";
    for (const auto& entry : std::filesystem::directory_iterator(code, error)) {
      if (entry.path().filename().string().rfind(".tmp-", 0) == 0) {
        std::filesystem::remove_all(entry.path(), error);
      }
    }
  }
  return {};
}

ApiResult<FunctionConfig> FunctionStore::Get(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = functions_.find(name);
  if (it == functions_.end()) return NotFound(name);
  return it->second;
}

std::vector<FunctionConfig> FunctionStore::List() const {
  std::shared_lock lock(mu_);
  std::vector<FunctionConfig> out;
  out.reserve(functions_.size());
  for (const auto& [name, config] : functions_) out.push_back(config);
  return out;
}

StoreUsage FunctionStore::Usage() const {
  std::shared_lock lock(mu_);
  StoreUsage usage;
  for (const auto& [name, config] : functions_) {
    ++usage.functions;
    usage.total_code_bytes += config.code_size;
  }
  return usage;
}

ApiResult<FunctionConfig> FunctionStore::Create(const std::string& name,
                                                const FunctionSettings& settings,
                                                const CodeSource& code,
                                                std::map<std::string, std::string> tags) {
  std::lock_guard writing(write_mu_);
  if (Get(name)) {
    return ApiFail("ResourceConflictException", "Function already exist: " + name, 409);
  }
  auto zip = ReadZip(code);
  if (!zip) return tl::unexpected(zip.error());
  FunctionConfig config;
  config.name = name;
  config.settings = settings;
  config.tags = std::move(tags);
  if (auto placed = PlaceCode(name, *zip, config); !placed) {
    return tl::unexpected(placed.error());
  }
  return Commit(std::move(config), false, {});
}

ApiResult<FunctionConfig> FunctionStore::UpdateCode(const std::string& name, const CodeSource& code,
                                                    const std::string& expected_revision) {
  std::lock_guard writing(write_mu_);
  auto current = Get(name);
  if (!current) return current;
  auto zip = ReadZip(code);
  if (!zip) return tl::unexpected(zip.error());
  FunctionConfig config = *current;
  if (auto placed = PlaceCode(name, *zip, config); !placed) {
    return tl::unexpected(placed.error());
  }
  auto committed = Commit(config, true, expected_revision);
  if (committed) PruneCode(name, committed->code_dir, current->code_dir);
  return committed;
}

ApiResult<FunctionConfig> FunctionStore::UpdateSettings(const std::string& name,
                                                        const FunctionSettings& settings,
                                                        const std::string& expected_revision) {
  std::lock_guard writing(write_mu_);
  auto current = Get(name);
  if (!current) return current;
  current->settings = settings;
  return Commit(std::move(*current), true, expected_revision);
}

ApiResult<FunctionConfig> FunctionStore::SetReservedConcurrency(const std::string& name,
                                                                std::optional<int> reserved) {
  std::lock_guard writing(write_mu_);
  auto current = Get(name);
  if (!current) return current;
  current->reserved_concurrency = reserved;
  return Commit(std::move(*current), true, {});
}

ApiResult<FunctionConfig> FunctionStore::SetTags(const std::string& name,
                                                 std::map<std::string, std::string> tags) {
  std::lock_guard writing(write_mu_);
  auto current = Get(name);
  if (!current) return current;
  current->tags = std::move(tags);
  return Commit(std::move(*current), true, {}, false);
}

ApiResult<FunctionConfig> FunctionStore::Commit(FunctionConfig config, bool must_exist,
                                                const std::string& expected_revision,
                                                bool new_revision) {
  std::unique_lock lock(mu_);
  auto it = functions_.find(config.name);
  if (must_exist && it == functions_.end()) return NotFound(config.name);
  if (!must_exist && it != functions_.end()) {
    return ApiFail("ResourceConflictException", "Function already exist: " + config.name, 409);
  }
  if (!expected_revision.empty() && it != functions_.end() &&
      it->second.revision_id != expected_revision) {
    return ApiFail("PreconditionFailedException",
                   "The Revision Id provided does not match the latest Revision Id. Call the "
                   "GetFunction/GetAlias API to retrieve the latest Revision Id",
                   412);
  }
  if (new_revision) {
    config.revision_id = NewUuid();
    config.last_modified_ms = clock_.NowMs();
  }
  sqlite::Statement upsert(*db_, "INSERT OR REPLACE INTO functions (name, config) VALUES (?1, ?2)");
  upsert.Bind(1, config.name).Bind(2, ToJson(config).dump());
  if (auto written = upsert.Run(); !written) return Internal(written.error());
  functions_[config.name] = config;
  return config;
}

ApiResult<void> FunctionStore::Delete(const std::string& name) {
  std::lock_guard writing(write_mu_);
  {
    std::unique_lock lock(mu_);
    if (!functions_.count(name)) return NotFound(name);
    sqlite::Statement remove(*db_, "DELETE FROM functions WHERE name = ?1");
    remove.Bind(1, name);
    if (auto done = remove.Run(); !done) return Internal(done.error());
    functions_.erase(name);
  }
  std::error_code ignored;  // the row is gone: code left behind is only disk space
  std::filesystem::remove_all(FunctionDir(name) + "/code", ignored);
  return {};
}

std::string FunctionStore::FunctionDir(const std::string& name) const {
  return data_dir_ + "/functions/" + name;
}

}  // namespace sf::engine::function
