// StackStore: the export/import index (rewritten with each Put and Delete), the checks that
// keep imports satisfied, and the exports listing.

#include "engine/stack/stack_store.h"

namespace sf::engine {

StackResult<void> StackStore::CheckExportsKept(const std::string& name, const std::string& stage,
                                               const std::map<std::string, std::string>& kept) {
  // Each current export of the stack with an importer other than the stack itself.
  sqlite::Statement select(*db_,
                           "SELECT e.stage, e.name, e.value, MIN(i.importer) FROM exports e "
                           "JOIN imports i ON i.stage = e.stage AND i.export = e.name "
                           "WHERE e.stack = ?1 AND i.importer != ?1 "
                           "GROUP BY e.stage, e.name ORDER BY e.stage, e.name");
  select.Bind(1, name);
  for (;;) {
    auto row = select.Step();
    if (!row) return StackFail(row.error());
    if (!*row) return {};
    std::string export_stage = select.Text(0);
    std::string export_name = select.Text(1);
    auto it = kept.find(export_name);
    if (export_stage == stage && it != kept.end() && it->second == select.Text(2)) continue;
    std::string importer = select.Text(3);
    std::string change =
        export_stage == stage && it != kept.end() ? "change its value" : "remove it";
    return StackFail(StackFailure::kExportInUse,
                     "stack " + name + " exports " + export_name + ", which " + importer +
                         " imports: the change would " + change,
                     {{"export", export_name}, {"importer", importer}});
  }
}

StackResult<void> StackStore::CheckExportsFree(const std::string& name, const std::string& stage,
                                               const std::map<std::string, std::string>& exports) {
  sqlite::Statement select(*db_, "SELECT stack FROM exports WHERE stage = ?1 AND name = ?2");
  for (const auto& [export_name, value] : exports) {
    auto row = select.Bind(1, stage).Bind(2, export_name).Step();
    if (!row) return StackFail(row.error());
    if (*row && select.Text(0) != name) {
      std::string other = select.Text(0);
      return StackFail(StackFailure::kExportExists,
                       "stack " + other + " of stage " + stage + " already exports " + export_name,
                       {{"export", export_name}, {"stack", other}});
    }
    select.Reset();
  }
  return {};
}

StackResult<void> StackStore::WriteIndex(const std::string& name, const std::string& stage,
                                         const std::map<std::string, std::string>& exports,
                                         const std::vector<std::string>& imports) {
  for (const char* sql :
       {"DELETE FROM exports WHERE stack = ?1", "DELETE FROM imports WHERE importer = ?1"}) {
    if (auto cleared = sqlite::Statement(*db_, sql).Bind(1, name).Run(); !cleared) {
      return StackFail(cleared.error());
    }
  }
  sqlite::Statement add_export(
      *db_, "INSERT INTO exports (stage, name, stack, value) VALUES (?1, ?2, ?3, ?4)");
  for (const auto& [export_name, value] : exports) {
    auto added = add_export.Bind(1, stage).Bind(2, export_name).Bind(3, name).Bind(4, value).Run();
    if (!added) return StackFail(added.error());
    add_export.Reset();
  }
  sqlite::Statement add_import(
      *db_, "INSERT OR IGNORE INTO imports (stage, export, importer) VALUES (?1, ?2, ?3)");
  for (const auto& export_name : imports) {
    auto added = add_import.Bind(1, stage).Bind(2, export_name).Bind(3, name).Run();
    if (!added) return StackFail(added.error());
    add_import.Reset();
  }
  return {};
}

StackResult<std::vector<stackapi::ExportEntry>> StackStore::Exports(const std::string& stage) {
  std::lock_guard lock(mu_);
  sqlite::Statement select(*db_,
                           "SELECT e.stage, e.name, e.stack, e.value, i.importer FROM exports e "
                           "LEFT JOIN imports i ON i.stage = e.stage AND i.export = e.name "
                           "WHERE ?1 = '' OR e.stage = ?1 ORDER BY e.stage, e.name, i.importer");
  select.Bind(1, stage);
  std::vector<stackapi::ExportEntry> entries;
  std::string last_stage;
  for (;;) {
    auto row = select.Step();
    if (!row) return StackFail(row.error());
    if (!*row) break;
    std::string export_stage = select.Text(0);
    std::string export_name = select.Text(1);
    if (entries.empty() || export_stage != last_stage || entries.back().name != export_name) {
      stackapi::ExportEntry entry;
      entry.name = std::move(export_name);
      entry.stack = select.Text(2);
      entry.value = nlohmann::json::parse(select.Text(3), nullptr, false);
      entries.push_back(std::move(entry));
      last_stage = std::move(export_stage);
    }
    if (!select.IsNull(4)) entries.back().importers.push_back(select.Text(4));
  }
  return entries;
}

}  // namespace sf::engine
