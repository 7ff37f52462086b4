// streamform put STREAM [FILE...]: sends records read from files or stdin, one per line.
//
//   --format jsonl|csv|tsv|lines  jsonl (default): each line is a JSON value; csv/tsv: the
//                                 first line is a header and each row is sent as a JSON
//                                 object; lines: each line as it is
//   --key FIELD                   the field (column) whose value is the partition key;
//                                 without it, keys are random, spreading records over shards
//   --endpoint URL, --data-dir DIR  which engine, and whose credentials sign (cli/endpoint.h)
// Records go in PutRecords batches of up to 500 records and 5 MiB; throttled records are
// retried with backoff. A refused signature or an unreachable engine stops the run (the rest
// count as failed). Exit 0 when every record was stored, 1 otherwise.

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

#include "base/base64.h"
#include "cli/commands/commands.h"
#include "cli/endpoint.h"
#include "client/kinesis_client.h"

namespace sf::cli {

namespace {

struct PutOptions {
  std::string stream;
  std::vector<std::string> files;
  std::string format = "jsonl";
  std::string key;
  std::string endpoint;
  std::string data_dir;
};

struct Record {
  std::string data;
  std::string key;
  size_t line;
};

std::vector<std::string> SplitRow(const std::string& line, char separator) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (separator == ',' && c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = !quoted;
      }
    } else if (c == separator && !quoted) {
      fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  fields.push_back(field);
  return fields;
}

// Turns lines into records; reports malformed lines (and skips them).
class RecordReader {
 public:
  RecordReader(const PutOptions& options, std::ostream& err) : options_(options), err_(err) {}

  bool Read(std::istream& in, const std::string& name, std::vector<Record>& out) {
    std::string line;
    size_t number = 0;
    std::vector<std::string> header;
    bool ok = true;
    std::mt19937_64 random(std::random_device{}());
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      std::string key;
      std::string data = line;
      if (options_.format == "jsonl") {
        nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
        if (value.is_discarded()) {
          err_ << name << ":" << number << ": not valid JSON; line skipped\n";
          ok = false;
          continue;
        }
        if (!options_.key.empty()) {
          if (!value.is_object() || !value.contains(options_.key)) {
            err_ << name << ":" << number << ": no field '" << options_.key << "'; line skipped\n";
            ok = false;
            continue;
          }
          const auto& field = value[options_.key];
          key = field.is_string() ? field.get<std::string>() : field.dump();
        }
      } else if (options_.format == "csv" || options_.format == "tsv") {
        auto fields = SplitRow(line, options_.format == "csv" ? ',' : '\t');
        if (header.empty()) {
          header = fields;
          if (!options_.key.empty() &&
              std::find(header.begin(), header.end(), options_.key) == header.end()) {
            err_ << name << ":1: no column '" << options_.key << "' in the header\n";
            return false;
          }
          continue;
        }
        if (fields.size() != header.size()) {
          err_ << name << ":" << number << ": " << fields.size() << " fields, the header has "
               << header.size() << "; line skipped\n";
          ok = false;
          continue;
        }
        nlohmann::json object = nlohmann::json::object();
        for (size_t i = 0; i < header.size(); ++i) {
          object[header[i]] = fields[i];
          if (header[i] == options_.key) key = fields[i];
        }
        data = object.dump();
      } else if (!options_.key.empty()) {
        err_ << "--key needs --format jsonl, csv or tsv\n";
        return false;
      }
      if (key.empty()) key = std::to_string(random());
      out.push_back({std::move(data), std::move(key), number});
    }
    return ok;
  }

 private:
  const PutOptions& options_;
  std::ostream& err_;
};

struct BatchOutcome {
  size_t failed = 0;
  bool stop = false;  // no later batch can succeed: the engine is unreachable or refused us
};

// Sends one batch, retrying throttled records; returns how many failed for good.
BatchOutcome SendBatch(client::KinesisClient& kinesis, const EngineAccess& access,
                       const std::string& stream, std::vector<const Record*> batch,
                       std::ostream& err) {
  for (int attempt = 0; attempt < 8 && !batch.empty(); ++attempt) {
    if (attempt > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 5)));
    nlohmann::json records = nlohmann::json::array();
    for (const Record* record : batch) {
      records.push_back({{"Data", Base64Encode(record->data)}, {"PartitionKey", record->key}});
    }
    auto reply = kinesis.Call("PutRecords", {{"StreamName", stream}, {"Records", records}});
    if (!reply) {
      if (reply.error().type == "ProvisionedThroughputExceededException") continue;
      ReportKinesisError(err, reply.error(), access);
      return {batch.size(),
              client::IsAuthError(reply.error()) || reply.error().type == "ConnectionError"};
    }
    std::vector<const Record*> retry;
    const auto& results = (*reply)["Records"];
    for (size_t i = 0; i < batch.size() && i < results.size(); ++i) {
      if (!results[i].contains("ErrorCode")) continue;
      if (results[i]["ErrorCode"] == "ProvisionedThroughputExceededException") {
        retry.push_back(batch[i]);
      } else {
        err << "line " << batch[i]->line << ": " << results[i]["ErrorCode"].get<std::string>()
            << ": " << results[i].value("ErrorMessage", "") << "\n";
      }
    }
    batch = std::move(retry);
  }
  if (!batch.empty()) err << batch.size() << " record(s) still throttled after 8 attempts\n";
  return {batch.size(), false};
}

void RunPut(Context& context, const PutOptions& options) {
  std::vector<Record> records;
  RecordReader reader(options, *context.err);
  bool read_ok = true;
  if (options.files.empty()) {
    read_ok = reader.Read(std::cin, "stdin", records);
  } else {
    for (const auto& file : options.files) {
      std::ifstream in(file);
      if (!in) {
        *context.err << "streamform: cannot read " << file << "\n";
        read_ok = false;
        continue;
      }
      read_ok = reader.Read(in, file, records) && read_ok;
    }
  }
  auto access = ResolveEngineAccess(context, options.endpoint, options.data_dir);
  if (!access) {
    *context.err << "streamform: " << access.error().message << "\n";
    context.exit_code = kExitFailed;
    return;
  }
  client::KinesisClient kinesis(access->endpoint, access->credentials, access->region);
  size_t failed = 0;
  size_t sent = 0;  // records handed to SendBatch
  constexpr size_t kMaxBatchBytes = 5 * 1024 * 1024;
  std::vector<const Record*> batch;
  size_t batch_bytes = 0;
  bool stopped = false;
  auto send = [&] {
    BatchOutcome outcome = SendBatch(kinesis, *access, options.stream, batch, *context.err);
    failed += outcome.failed;
    sent += batch.size();
    stopped = outcome.stop;
    batch.clear();
    batch_bytes = 0;
  };
  for (const auto& record : records) {
    size_t bytes = record.data.size() + record.key.size();
    if (!batch.empty() && (batch.size() == 500 || batch_bytes + bytes > kMaxBatchBytes)) {
      send();
      if (stopped) break;
    }
    batch.push_back(&record);
    batch_bytes += bytes;
  }
  if (!stopped && !batch.empty()) send();
  failed += records.size() - sent;  // not sent: the run stopped
  size_t stored = records.size() - failed;
  if (context.json()) {
    *context.out
        << nlohmann::json{{"stream", options.stream}, {"stored", stored}, {"failed", failed}}.dump()
        << "\n";
  } else {
    *context.out << "put " << stored << " record(s) to " << options.stream
                 << (failed ? ", " + std::to_string(failed) + " failed" : "") << "\n";
  }
  context.exit_code = failed == 0 && read_ok ? kExitOk : kExitFailed;
}

}  // namespace

void RegisterPut(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("put", "Put records to a stream from files or stdin, one per line");
  auto options = std::make_shared<PutOptions>();
  command->add_option("stream", options->stream, "The stream")->required();
  command->add_option("files", options->files, "Files to read (default: stdin)");
  command->add_option("--format", options->format, "jsonl, csv, tsv or lines")
      ->check(CLI::IsMember({"jsonl", "csv", "tsv", "lines"}));
  command->add_option("--key", options->key, "Field or column whose value is the partition key");
  command->add_option("--endpoint", options->endpoint,
                      "The engine's URL (default: the project's running engine)");
  command->add_option("--data-dir", options->data_dir,
                      "The engine's data dir: its credentials sign the requests (default: "
                      "<project>/.streamform/engine)");
  command->callback([&context, options] { RunPut(context, *options); });
}

}  // namespace sf::cli
