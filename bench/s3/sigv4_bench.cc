// sigv4_bench: what SigV4 verification costs the engine per request (sf::auth::Verifier::Verify),
// for the request shapes the S3 and Kinesis APIs see, next to the SHA-256 of a 1 MiB body
// (what a declared x-amz-content-sha256 costs the server to check) and the client's signing.
// See README.md.
//
//   build/bench/s3/sigv4_bench --benchmark_min_time=0.2

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "auth/crypto.h"
#include "auth/signer.h"
#include "auth/sigv4_types.h"
#include "auth/verifier.h"
#include "base/clock.h"

namespace {

using sf::auth::HttpRequest;

constexpr int64_t kNowMs = 1'763'769'600'000;  // 2025-11-22T00:00:00Z: signing and verifying time
constexpr char kAccessKey[] = "AKIDSTREAMFORMBENCH1";
constexpr char kSecretKey[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kRegion[] = "us-east-1";
constexpr char kHost[] = "127.0.0.1:4566";

std::string Body(size_t size) {
  std::string body(size, '\0');
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (char& c : body) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return body;
}

sf::auth::Signer MakeSigner(const char* service) {
  return sf::auth::Signer(sf::auth::Credentials{kAccessKey, kSecretKey, std::nullopt}, kRegion,
                          service);
}

// The verifier as the engine holds it: one region, a lookup of the single account, a clock.
struct Server {
  sf::VirtualClock clock{kNowMs};
  sf::auth::Verifier verifier{kRegion,
                              [](std::string_view key) -> std::optional<std::string> {
                                if (key == kAccessKey) return std::string(kSecretKey);
                                return std::nullopt;
                              },
                              &clock};
};

HttpRequest Request(std::string method, std::string path, std::string query = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  request.headers.push_back({"Host", kHost});
  return request;
}

// Dies unless the request verifies: a benchmark of a rejected request would time the wrong path.
void CheckVerifies(const Server& server, const sf::auth::VerifyInput& input) {
  auto result = server.verifier.Verify(input);
  if (!result) {
    std::fprintf(stderr, "sigv4_bench: the request does not verify: %s %s\n",
                 std::string(sf::auth::AuthFailureName(result.error().reason)).c_str(),
                 result.error().detail.c_str());
    std::abort();
  }
}

void RunVerify(benchmark::State& state, const Server& server, const sf::auth::VerifyInput& input) {
  CheckVerifies(server, input);
  for (auto _ : state) {
    auto result = server.verifier.Verify(input);
    benchmark::DoNotOptimize(result);
  }
}

// GetObject as the AWS SDKs send it over https (and the JS SDK v3 always): header-signed,
// UNSIGNED-PAYLOAD.
void BM_VerifyS3GetObjectUnsignedPayload(benchmark::State& state) {
  Server server;
  HttpRequest request = Request("GET", "/bench-bucket/photos/2025/11/22/object-000123.jpg");
  request.headers.push_back({"User-Agent", "aws-cli/2.9.19 Python/3.11.2 Linux/6.1"});
  request.headers.push_back({"Accept-Encoding", "identity"});
  if (!MakeSigner("s3").Sign(&request, sf::auth::kUnsignedPayload, kNowMs)) std::abort();
  RunVerify(state, server, {&request, "s3", std::nullopt});
}
BENCHMARK(BM_VerifyS3GetObjectUnsignedPayload);

// PutObject of 1 MiB with its SHA-256 declared in x-amz-content-sha256 (the AWS CLI and boto3
// over http). The body is not given to the verifier: this is the signature check alone; the
// server hashes the body as it streams in (BM_Sha256_1MiB).
void BM_VerifyS3PutObjectDeclaredSha256(benchmark::State& state) {
  Server server;
  const std::string body = Body(1 << 20);
  HttpRequest request = Request("PUT", "/bench-bucket/photos/2025/11/22/object-000123.jpg");
  request.headers.push_back({"User-Agent", "aws-cli/2.9.19 Python/3.11.2 Linux/6.1"});
  request.headers.push_back({"Content-Type", "image/jpeg"});
  request.headers.push_back({"Content-Length", std::to_string(body.size())});
  request.headers.push_back({"Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg=="});
  if (!MakeSigner("s3").Sign(&request, sf::auth::PayloadHash(body), kNowMs)) std::abort();
  RunVerify(state, server, {&request, "s3", std::nullopt});
}
BENCHMARK(BM_VerifyS3PutObjectDeclaredSha256);

// What checking that declared hash costs: SHA-256 over 1 MiB, fed in 64 KiB reads.
void BM_Sha256_1MiB(benchmark::State& state) {
  const std::string body = Body(1 << 20);
  const std::string_view all(body);
  sf::auth::Sha256 sha;
  for (auto _ : state) {
    for (size_t at = 0; at < all.size(); at += 64 * 1024) sha.Update(all.substr(at, 64 * 1024));
    std::string digest = sha.Finish();
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_Sha256_1MiB);

// Kinesis PutRecord (JSON 1.1) with a 1 KiB body, which the verifier hashes itself.
void BM_VerifyKinesisPutRecord1KiB(benchmark::State& state) {
  Server server;
  std::string body = R"({"StreamName":"bench","PartitionKey":"pk-0000000000000001","Data":")";
  std::string data(1024 - body.size() - 2, 'A');  // base64 text is plain ASCII
  body += data + "\"}";
  HttpRequest request = Request("POST", "/");
  request.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  request.headers.push_back({"X-Amz-Target", "Kinesis_20131202.PutRecord"});
  request.headers.push_back({"Content-Length", std::to_string(body.size())});
  request.headers.push_back({"User-Agent", "Boto3/1.26.27 Python/3.11.2 Linux/6.1"});
  if (!MakeSigner("kinesis").Sign(&request, sf::auth::PayloadHash(body), kNowMs)) std::abort();
  RunVerify(state, server, {&request, "kinesis", std::string_view(body)});
}
BENCHMARK(BM_VerifyKinesisPutRecord1KiB);

// A presigned GetObject URL (query-string auth, one hour).
void BM_VerifyS3PresignedGet(benchmark::State& state) {
  Server server;
  HttpRequest request = Request("GET", "/bench-bucket/reports/2025-11-22.csv");
  if (!MakeSigner("s3").Presign(&request, 3600, kNowMs)) std::abort();
  request.headers.push_back({"User-Agent", "curl/7.88.1"});
  RunVerify(state, server, {&request, "s3", std::nullopt});
}
BENCHMARK(BM_VerifyS3PresignedGet);

// The client's side, for comparison: signing one PutObject head (hash given).
void BM_SignS3PutObject(benchmark::State& state) {
  const sf::auth::Signer signer = MakeSigner("s3");
  const std::string hash = sf::auth::PayloadHash(Body(1 << 20));
  for (auto _ : state) {
    HttpRequest request = Request("PUT", "/bench-bucket/photos/2025/11/22/object-000123.jpg");
    request.headers.push_back({"Content-Length", "1048576"});
    auto parts = signer.Sign(&request, hash, kNowMs);
    benchmark::DoNotOptimize(parts);
  }
}
BENCHMARK(BM_SignS3PutObject);

}  // namespace

BENCHMARK_MAIN();
