// The runtime API's refusals, as a runtime client that misbehaves meets them: a `provided`
// bootstrap (python3, urllib) that makes the wrong calls on purpose and returns what it got.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;
using nlohmann::json;

// Each invocation probes the API, then answers with {"probes": {name: [status, errorType]}}; an
// event {"big": true} instead answers with a body over 6 MB and prints the probes to the log.
constexpr char kProbingBootstrap[] = R"py(#!/usr/bin/python3
import json, os, urllib.error, urllib.request

api = os.environ["AWS_LAMBDA_RUNTIME_API"]  # 127.0.0.1:<port>/_streamform/runtime/<worker>
base = "http://" + api + "/2018-06-01/runtime"
host = api.split("/")[0]

def call(method, url, body=None):
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers

def probe(method, url, body=None):
    status, text, _ = call(method, url, body)
    try:
        kind = json.loads(text).get("errorType", "")
    except ValueError:
        kind = ""
    return [status, kind]

while True:
    _, event, headers = call("GET", base + "/invocation/next")
    rid = headers["Lambda-Runtime-Aws-Request-Id"]
    probes = {
        "other_id": probe("POST", base + "/invocation/not-" + rid + "/response", b"{}"),
        "unknown_worker": probe("GET", "http://" + host +
                                "/_streamform/runtime/w999999/2018-06-01/runtime/invocation/next"),
        "next_in_progress": probe("GET", base + "/invocation/next"),
        "init_error_late": probe("POST", base + "/init/error", b"{}"),
        "no_such_path": probe("GET", base + "/invocation"),
        "wrong_method": probe("GET", base + "/invocation/" + rid + "/response"),
    }
    if json.loads(event).get("big"):
        probes["too_large"] = probe("POST", base + "/invocation/" + rid + "/response",
                                    b'"' + b"x" * 6300000 + b'"')
        probes["answered_already"] = probe("POST", base + "/invocation/" + rid + "/response", b"{}")
        print("probes " + json.dumps(probes, sort_keys=True), flush=True)
    else:
        call("POST", base + "/invocation/" + rid + "/response",
             json.dumps({"probes": probes}).encode())
)py";

class RuntimeApiTest : public RuntimeTest {
 protected:
  FunctionSpec Probing() {
    FunctionSpec spec;
    spec.name = "probing";
    spec.arn = "arn:aws:lambda:us-east-1:000000000000:function:probing";
    spec.runtime = "provided.al2023";
    spec.handler = "unused";
    spec.code_dir = WriteCode("probing", "bootstrap", kProbingBootstrap);
    chmod((spec.code_dir + "/bootstrap").c_str(), 0755);
    spec.revision = "r1";
    spec.timeout_seconds = 20;
    return spec;
  }
};

TEST_F(RuntimeApiTest, RefusesWhatTheWorkerMayNotDoWithAWSStatusCodes) {
  InvokeResult result = Invoke(Probing());
  ASSERT_EQ(result.status, Status::kOk) << result.payload << result.log_tail;
  json probes = json::parse(result.payload)["probes"];
  EXPECT_EQ(probes["other_id"], json({400, "InvalidRequestID"}));
  EXPECT_EQ(probes["unknown_worker"], json({403, "InvalidStateTransition"}));
  EXPECT_EQ(probes["next_in_progress"], json({403, "InvalidStateTransition"}));
  EXPECT_EQ(probes["init_error_late"], json({403, "InvalidStateTransition"}));
  EXPECT_EQ(probes["no_such_path"], json({404, "UnknownRequestPath"}));
  EXPECT_EQ(probes["wrong_method"], json({405, "MethodNotAllowed"}));
}

TEST_F(RuntimeApiTest, AResponseOver6MBIs413AndFailsTheInvocation) {
  FunctionSpec spec = Probing();
  InvokeResult result = Invoke(spec, R"({"big": true})");
  ASSERT_EQ(result.status, Status::kFunctionError) << result.payload;
  json error = json::parse(result.payload);
  EXPECT_EQ(error["errorType"], "Function.ResponseSizeTooLarge");
  EXPECT_NE(error["errorMessage"].get<std::string>().find(
                "exceeded maximum allowed payload size (6291556 bytes)"),
            std::string::npos)
      << error;
  InvokeResult after = Invoke(spec);  // the worker carries on
  EXPECT_EQ(after.status, Status::kOk) << after.payload;
  // The probes were printed after the failed invocation ended, before the worker asked again.
  std::string log = ReadLog("probing");
  size_t at = log.find("probes ");
  ASSERT_NE(at, std::string::npos) << log;
  json probes = json::parse(log.substr(at + 7, log.find('\n', at) - at - 7));
  EXPECT_EQ(probes["too_large"], json({413, "RequestEntityTooLarge"}));
  EXPECT_EQ(probes["answered_already"], json({403, "InvalidStateTransition"}));
}

}  // namespace
}  // namespace sf::engine::function::testing
