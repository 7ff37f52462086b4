// streamform tail STREAM: prints a stream's records, following it across reshards.
//
//   --from trim-horizon|latest|at-timestamp|at-sequence|after-sequence  where to start (default
//   latest with
//                              --follow, else trim-horizon); --timestamp (epoch seconds) and
//                              --sequence go with the last three (--sequence needs --shard)
//   --shard ID                 only this shard (and, across reshards, its descendants)
//   --follow, -f               keep waiting for new records until interrupted
//   --show data|json           the data as text (default), or one JSON object per record
//                              with shard, sequence number, partition key, arrival and data
//   --endpoint URL, --data-dir DIR  which engine, and whose credentials sign (cli/endpoint.h)
// Per-key order holds across reshards: a child shard is read only after all its parents have
// been read to their end. Without --follow, tail exits 0 once every shard is caught up.

#include <chrono>
#include <csignal>
#include <map>
#include <set>
#include <thread>

#include "base/base64.h"
#include "cli/commands/commands.h"
#include "cli/endpoint.h"
#include "client/kinesis_client.h"

namespace sf::cli {

namespace {

struct TailOptions {
  std::string stream;
  std::string from;
  double timestamp = 0;
  std::string sequence;
  std::string shard;
  bool follow = false;
  std::string show = "data";
  std::string endpoint;
  std::string data_dir;
};

volatile std::sig_atomic_t g_interrupted = 0;

struct Reader {
  std::string shard;
  std::string iterator;
};

class Tailer {
 public:
  Tailer(Context& context, const TailOptions& options, const EngineAccess& access)
      : context_(context),
        options_(options),
        access_(access),
        kinesis_(access.endpoint, access.credentials, access.region) {}

  bool Run() {
    auto shards = kinesis_.Call("ListShards", {{"StreamName", options_.stream}});
    if (!shards) return Fail(shards.error());
    for (const auto& shard : (*shards)["Shards"]) {
      std::string id = shard["ShardId"];
      std::vector<std::string> parents;
      for (const char* key : {"ParentShardId", "AdjacentParentShardId"}) {
        if (shard.contains(key)) parents.push_back(shard[key]);
      }
      parents_[id] = parents;
      known_.insert(id);
    }
    std::string from =
        options_.from.empty() ? (options_.follow ? "latest" : "trim-horizon") : options_.from;
    for (const auto& id : known_) {
      if (!options_.shard.empty() && id != options_.shard) continue;
      // Start only where no ancestor is still to be read; with LATEST, only open shards matter.
      bool has_selected_parent = false;
      for (const auto& parent : parents_[id])
        has_selected_parent |= known_.count(parent) && options_.shard.empty();
      if (has_selected_parent && from == "trim-horizon") continue;
      auto iterator = Iterator(id, from);
      if (!iterator) return false;
      started_.insert(id);
      readers_.push_back({id, *iterator});
    }
    return Loop();
  }

 private:
  bool Fail(const client::KinesisError& error) {
    ReportKinesisError(*context_.err, error, access_);
    context_.exit_code = kExitFailed;
    return false;
  }

  std::optional<std::string> Iterator(const std::string& shard, const std::string& from) {
    nlohmann::json request = {{"StreamName", options_.stream}, {"ShardId", shard}};
    if (from == "latest") {
      request["ShardIteratorType"] = "LATEST";
    } else if (from == "at-timestamp") {
      request["ShardIteratorType"] = "AT_TIMESTAMP";
      request["Timestamp"] = options_.timestamp;
    } else if ((from == "at-sequence" || from == "after-sequence") && shard == options_.shard) {
      request["ShardIteratorType"] =
          from == "at-sequence" ? "AT_SEQUENCE_NUMBER" : "AFTER_SEQUENCE_NUMBER";
      request["StartingSequenceNumber"] = options_.sequence;
    } else {
      request["ShardIteratorType"] = "TRIM_HORIZON";
    }
    auto reply = kinesis_.Call("GetShardIterator", request);
    if (!reply) {
      Fail(reply.error());
      return std::nullopt;
    }
    return (*reply)["ShardIterator"].get<std::string>();
  }

  void Print(const std::string& shard, const nlohmann::json& record) {
    std::string data = Base64Decode(record["Data"].get<std::string>()).value_or("");
    if (options_.show == "json") {
      nlohmann::json out = {{"shardId", shard},
                            {"sequenceNumber", record["SequenceNumber"]},
                            {"partitionKey", record["PartitionKey"]},
                            {"approximateArrivalTimestamp", record["ApproximateArrivalTimestamp"]},
                            {"data", data}};
      *context_.out << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
      *context_.out << data << "\n";
    }
  }

  // Children whose every parent is finished can start.
  void StartChildren(const nlohmann::json& children) {
    for (const auto& child : children) {
      std::string id = child["ShardId"];
      if (started_.count(id)) continue;
      bool ready = true;
      for (const auto& parent : child["ParentShards"])
        ready &= finished_.count(parent.get<std::string>()) > 0;
      if (!ready) continue;
      started_.insert(id);
      if (auto iterator = Iterator(id, "trim-horizon")) readers_.push_back({id, *iterator});
    }
  }

  bool Loop() {
    while (!g_interrupted) {
      bool any_records = false;
      bool all_caught_up = true;
      for (size_t i = 0; i < readers_.size(); ++i) {
        Reader& reader = readers_[i];
        auto reply =
            kinesis_.Call("GetRecords", {{"ShardIterator", reader.iterator}, {"Limit", 1000}});
        if (!reply) {
          if (reply.error().type == "ProvisionedThroughputExceededException") continue;
          return Fail(reply.error());
        }
        for (const auto& record : (*reply)["Records"]) Print(reader.shard, record);
        any_records |= !(*reply)["Records"].empty();
        all_caught_up &= reply->value("MillisBehindLatest", 0) == 0;
        if ((*reply)["NextShardIterator"].is_null()) {  // the end of a closed shard
          finished_.insert(reader.shard);
          nlohmann::json children = reply->value("ChildShards", nlohmann::json::array());
          readers_.erase(readers_.begin() + static_cast<long>(i));
          --i;
          StartChildren(children);
          all_caught_up = false;
          continue;
        }
        reader.iterator = (*reply)["NextShardIterator"];
      }
      context_.out->flush();
      if (!options_.follow && all_caught_up && !any_records) return true;
      if (readers_.empty() && !options_.follow) return true;
      if (!any_records) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return true;
  }

  Context& context_;
  const TailOptions& options_;
  const EngineAccess& access_;
  client::KinesisClient kinesis_;
  std::map<std::string, std::vector<std::string>> parents_;
  std::set<std::string> known_, started_, finished_;
  std::vector<Reader> readers_;
};

}  // namespace

void RegisterTail(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("tail", "Print a stream's records, following it across reshards");
  auto options = std::make_shared<TailOptions>();
  command->add_option("stream", options->stream, "The stream")->required();
  command->add_option("--from", options->from, "trim-horizon, latest, at-timestamp or at-sequence")
      ->check(CLI::IsMember(
          {"trim-horizon", "latest", "at-timestamp", "at-sequence", "after-sequence"}));
  command->add_option("--timestamp", options->timestamp, "With --from at-timestamp: epoch seconds");
  command->add_option("--sequence", options->sequence,
                      "With --from at-sequence: the sequence number");
  command->add_option("--shard", options->shard, "Only this shard (and its descendants)");
  command->add_flag("-f,--follow", options->follow, "Keep waiting for new records");
  command->add_option("--show", options->show, "data or json")
      ->check(CLI::IsMember({"data", "json"}));
  command->add_option("--endpoint", options->endpoint,
                      "The engine's URL (default: the project's running engine)");
  command->add_option("--data-dir", options->data_dir,
                      "The engine's data dir: its credentials sign the requests (default: "
                      "<project>/.streamform/engine)");
  command->callback([&context, options] {
    bool by_sequence = options->from == "at-sequence" || options->from == "after-sequence";
    if (by_sequence && (options->shard.empty() || options->sequence.empty())) {
      *context.err << "streamform: --from " << options->from << " needs --shard and --sequence\n";
      context.exit_code = kExitUsage;
      return;
    }
    auto access = ResolveEngineAccess(context, options->endpoint, options->data_dir);
    if (!access) {
      *context.err << "streamform: " << access.error().message << "\n";
      context.exit_code = kExitFailed;
      return;
    }
    std::signal(SIGINT, [](int) { g_interrupted = 1; });
    Tailer(context, *options, *access).Run();
  });
}

}  // namespace sf::cli
