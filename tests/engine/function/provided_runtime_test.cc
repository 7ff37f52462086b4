// The provided runtimes: the function's own `bootstrap`, a shell script using curl or a
// compiled C++ client (cpp_bootstrap.cc).
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;

constexpr char kShellBootstrap[] = R"sh(#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"
trap 'rm -f "$HEADERS"' EXIT
while true; do
  EVENT=$(/usr/bin/curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\r' | cut -d' ' -f2)
  echo "handling $ID for $_HANDLER"
  if [ "$EVENT" = '"fail"' ]; then
    /usr/bin/curl -sS -X POST "$API/invocation/$ID/error" \
      -H 'Lambda-Runtime-Function-Error-Type: Script.Failed' \
      -d '{"errorMessage":"asked to fail","errorType":"Script.Failed"}' >/dev/null
  else
    /usr/bin/curl -sS -X POST "$API/invocation/$ID/response" -d "{\"echo\": $EVENT}" >/dev/null
  fi
done
)sh";

class ProvidedRuntimeTest : public RuntimeTest {
 protected:
  FunctionSpec Provided(const std::string& name, mode_t mode) {
    FunctionSpec spec;
    spec.name = name;
    spec.arn = "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    spec.runtime = "provided.al2023";
    spec.handler = "function.handler";
    spec.code_dir = WriteCode(name, "bootstrap", kShellBootstrap);
    chmod((spec.code_dir + "/bootstrap").c_str(), mode);
    spec.revision = "r1";
    return spec;
  }
};

TEST_F(ProvidedRuntimeTest, AShellScriptBootstrapServesInvocations) {
  FunctionSpec spec = Provided("shell", 0755);
  InvokeResult first = Invoke(spec, R"({"n":1})");
  ASSERT_EQ(first.status, Status::kOk) << first.payload << first.log_tail;
  EXPECT_EQ(nlohmann::json::parse(first.payload)["echo"]["n"], 1);
  EXPECT_NE(first.log_tail.find("handling " + first.request_id + " for function.handler"),
            std::string::npos)
      << first.log_tail;
  InvokeResult failed = Invoke(spec, R"("fail")");
  ASSERT_EQ(failed.status, Status::kFunctionError) << failed.payload;
  EXPECT_EQ(nlohmann::json::parse(failed.payload)["errorType"], "Script.Failed");
}

TEST_F(ProvidedRuntimeTest, ACompiledCppBootstrapServesInvocations) {
  FunctionSpec spec = Provided("cpp", 0755);
  std::filesystem::copy_file(STREAMFORM_CPP_BOOTSTRAP, spec.code_dir + "/bootstrap",
                             std::filesystem::copy_options::overwrite_existing);
  spec.handler = "handler.cpp";
  spec.timeout_seconds = 7;
  InvokeResult first = Invoke(spec, R"({"n":1})");
  ASSERT_EQ(first.status, Status::kOk) << first.payload << first.log_tail;
  nlohmann::json out = nlohmann::json::parse(first.payload);
  EXPECT_EQ(out["echo"]["n"], 1);
  EXPECT_EQ(out["handler"], "handler.cpp");
  EXPECT_EQ(out["requestId"], first.request_id);
  EXPECT_EQ(out["arn"], spec.arn);
  EXPECT_GT(out["deadlineMs"].get<int64_t>(), 1700000000000) << "epoch milliseconds";
  EXPECT_NE(first.log_tail.find("cpp handling " + first.request_id), std::string::npos)
      << first.log_tail;
  InvokeResult second = Invoke(spec, R"([1,2])");
  ASSERT_EQ(second.status, Status::kOk) << second.payload;
  EXPECT_EQ(nlohmann::json::parse(second.payload)["pid"], out["pid"]) << "warm";
  InvokeResult failed = Invoke(spec, R"("fail")");
  ASSERT_EQ(failed.status, Status::kFunctionError) << failed.payload;
  EXPECT_EQ(nlohmann::json::parse(failed.payload)["errorType"], "Cpp.Failure");
}

TEST_F(ProvidedRuntimeTest, ABootstrapThatIsNotExecutableIsAnInitError) {
  FunctionSpec spec = Provided("noexec", 0644);
  InvokeResult result = Invoke(spec);
  ASSERT_EQ(result.status, Status::kInitError);
  auto error = nlohmann::json::parse(result.payload);
  EXPECT_EQ(error["errorType"], "Runtime.InvalidEntrypoint");
  EXPECT_NE(error["errorMessage"].get<std::string>().find("must be executable"), std::string::npos);
}

}  // namespace
}  // namespace sf::engine::function::testing
