// libFuzzer target: any bytes as the body of any Kinesis operation, through the request
// decoder (JSON, types, constraints, base64) and the stream service behind it. It must never
// crash, hang or leak, and must always answer with a response whose status is 200 or an
// AWS error (4xx, or 500 for InternalFailure).
//
// The first byte picks the operation. The service lives for the whole run on a temporary
// directory, capped at 8 shards so inputs cannot exhaust disk or descriptors.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "base/clock.h"
#include "engine/api/kinesis/kinesis_api.h"

namespace {

std::string g_data_dir;  // removed at exit

struct Fixture {
  sf::VirtualClock clock{1'700'000'000'000};
  std::unique_ptr<sf::engine::StreamService> streams;
  std::unique_ptr<sf::engine::Committer> committer;
  std::unique_ptr<sf::engine::KinesisApi> api;

  Fixture() {
    char dir[] = "/tmp/streamform-fuzz-XXXXXX";
    if (mkdtemp(dir) == nullptr) std::abort();
    g_data_dir = dir;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(g_data_dir, ec);
    });
    sf::engine::StreamServiceOptions options;
    options.data_dir = dir;
    options.clock = &clock;
    options.max_shards = 8;
    options.log.visible_after_sync = false;
    auto opened = sf::engine::StreamService::Open(options);
    if (!opened) std::abort();
    streams = std::move(*opened);
    committer = std::make_unique<sf::engine::Committer>(sf::engine::DurabilityMode::kInterval,
                                                        60'000, nullptr);
    api = std::make_unique<sf::engine::KinesisApi>(*streams, *committer);
    (void)streams->CreateStream("fuzz", 2, sf::engine::StreamMode::kProvisioned);
  }
};

constexpr const char* kOperations[] = {"CreateStream",
                                       "DeleteStream",
                                       "DescribeStream",
                                       "DescribeStreamSummary",
                                       "ListStreams",
                                       "ListShards",
                                       "PutRecord",
                                       "PutRecords",
                                       "GetShardIterator",
                                       "GetRecords",
                                       "UpdateShardCount",
                                       "SplitShard",
                                       "MergeShards",
                                       "IncreaseStreamRetentionPeriod",
                                       "DecreaseStreamRetentionPeriod",
                                       "AddTagsToStream",
                                       "RemoveTagsFromStream",
                                       "ListTagsForStream",
                                       "NoSuchOperation"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  if (size == 0) return 0;
  const char* operation = kOperations[data[0] % (sizeof(kOperations) / sizeof(kOperations[0]))];
  sf::engine::HttpRequest request;
  request.method = "POST";
  request.path = request.target = "/";
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  int status = 0;
  fixture.api->Handle(operation, request,
                      [&](sf::engine::HttpResponse response) { status = response.status; });
  if (status != 200 && (status < 400 || status > 500)) std::abort();  // no response, or a wrong one
  fixture.clock.Advance(1000);
  return 0;
}
