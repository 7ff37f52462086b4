// iam_authorize_bench: the cost IAM adds to each Kinesis request, measured on the engine's own
// code path in-process (no sockets): RequestAuthenticator::Check (SigV4, plus the session
// token for a role's key), PrincipalOf (the role's compiled policies) and iam::Authorize, for
// a PutRecord signed with the engine's own key (the administrator: no policy evaluated) and
// with a role session's credentials (a role with two inline policies and a managed one).
//
//   build/bench/iam/iam_authorize_bench --benchmark_min_time=0.2

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "auth/crypto.h"
#include "auth/signer.h"
#include "engine/api/request_auth.h"
#include "engine/iam/role_store.h"

namespace {

namespace auth = sf::auth;
namespace iam = sf::engine::iam;
using sf::engine::HttpRequest;
using sf::engine::RequestAuthenticator;

constexpr char kBody[] =
    R"({"StreamName":"orders","PartitionKey":"pk-0123456789abcdef","Data":"aGVsbG8gd29ybGQ="})";
constexpr char kOrders[] = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";

class Fixture {
 public:
  Fixture() {
    dir_ = (std::filesystem::temp_directory_path() / ("iam_bench_" + std::to_string(::getpid())))
               .string();
    std::filesystem::create_directories(dir_);
    iam::RoleStoreOptions options;
    options.data_dir = dir_;
    options.clock = &clock_;
    roles_ = std::move(*iam::RoleStore::Open(options));
    iam::RoleRecord record;
    record.name = "producer";
    record.assume_role_policy =
        R"({"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
        R"("Action":"sts:AssumeRole"}})";
    record.inline_policies = {
        {"logs", R"({"Statement":{"Effect":"Allow","Action":["logs:CreateLogStream",)"
                 R"("logs:PutLogEvents"],"Resource":"*"}})"},
        {"put", R"({"Statement":[{"Effect":"Deny","Action":"kinesis:Delete*","Resource":"*"},)"
                R"({"Effect":"Allow","Action":["kinesis:PutRecord","kinesis:PutRecords"],)"
                R"("Resource":"arn:aws:kinesis:*:*:stream/orders"}]})"}};
    record.attached = {"arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"};
    (void)roles_->Create(record);
    auto session = *roles_->SessionFor("producer", "bench");
    session_ = {session->access_key, session->secret_key, session->token};
    admin_ = {"SFKAAAAAAAAAAAAAAAAA", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", std::nullopt};
    authenticator_ = std::make_unique<RequestAuthenticator>(
        true, auth::EngineCredentials{admin_, "us-east-1"}, &clock_, roles_.get());
  }
  ~Fixture() {
    authenticator_.reset();
    roles_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A PutRecord request signed now with the engine's key, or the role session's.
  HttpRequest Signed(bool as_role) const {
    auth::HttpRequest wire;
    wire.method = "POST";
    wire.headers = {{"Host", "127.0.0.1:4560"},
                    {"Content-Type", "application/x-amz-json-1.1"},
                    {"X-Amz-Target", "Kinesis_20131202.PutRecord"}};
    auth::Signer signer(as_role ? session_ : admin_, "us-east-1", "kinesis");
    (void)signer.Sign(&wire, auth::Sha256Hex(kBody), clock_.NowMs());
    HttpRequest request;
    request.method = "POST";
    request.target = request.path = "/";
    for (const auto& header : wire.headers) request.headers.emplace_back(header.name, header.value);
    request.body = kBody;
    return request;
  }

  const RequestAuthenticator& authenticator() const { return *authenticator_; }

 private:
  sf::RealClock clock_;
  std::string dir_;
  std::unique_ptr<iam::RoleStore> roles_;
  auth::Credentials admin_;
  auth::Credentials session_;
  std::unique_ptr<RequestAuthenticator> authenticator_;
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

// What the engine does per Kinesis request before the operation: verify, identify, authorize.
void CheckAndAuthorize(benchmark::State& state, bool as_role) {
  Fixture& fixture = Shared();
  HttpRequest request = fixture.Signed(as_role);
  for (auto _ : state) {
    auto verified = fixture.authenticator().Check(request, "kinesis", request.body);
    if (!verified) {
      state.SkipWithError("the request did not verify");
      return;
    }
    iam::Principal principal = fixture.authenticator().PrincipalOf(*verified);
    if (!principal.administrator()) {
      benchmark::DoNotOptimize(iam::Authorize(principal, "kinesis:PutRecord", kOrders));
    }
  }
}

void BM_Request_EngineKey(benchmark::State& state) { CheckAndAuthorize(state, false); }
BENCHMARK(BM_Request_EngineKey);

void BM_Request_RoleSession(benchmark::State& state) { CheckAndAuthorize(state, true); }
BENCHMARK(BM_Request_RoleSession);

// The policy evaluation alone (four documents, five statements; the decision is Allow).
void BM_Authorize_Allow(benchmark::State& state) {
  Fixture& fixture = Shared();
  HttpRequest request = fixture.Signed(true);
  auto verified = fixture.authenticator().Check(request, "kinesis", request.body);
  iam::Principal principal = fixture.authenticator().PrincipalOf(*verified);
  for (auto _ : state) {
    benchmark::DoNotOptimize(iam::Authorize(principal, "kinesis:PutRecords", kOrders));
  }
}
BENCHMARK(BM_Authorize_Allow);

// Every statement examined, none allows.
void BM_Authorize_ImplicitDeny(benchmark::State& state) {
  Fixture& fixture = Shared();
  HttpRequest request = fixture.Signed(true);
  auto verified = fixture.authenticator().Check(request, "kinesis", request.body);
  iam::Principal principal = fixture.authenticator().PrincipalOf(*verified);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        iam::Authorize(principal, "kinesis:MergeShards", "arn:aws:kinesis:us-east-1:0:stream/x"));
  }
}
BENCHMARK(BM_Authorize_ImplicitDeny);

}  // namespace

BENCHMARK_MAIN();
