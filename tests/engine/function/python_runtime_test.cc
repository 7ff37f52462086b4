// The python3.x runtime through the bootstrap: results, errors, context, logs, init failures.
#include <nlohmann/json.hpp>

#include "runtime_fixture.h"

namespace sf::engine::function::testing {
namespace {

using Status = InvokeResult::Status;
using nlohmann::json;

TEST_F(RuntimeTest, ReturnsTheHandlersResultWithContextFields) {
  FunctionSpec spec = Python("ctx", R"(import json
import boto3

s3 = boto3.client("s3")  # created at import time, as handlers do

def lambda_handler(event, context):
    return {
        "event": event,
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "region": s3.meta.region_name,
    }
)");
  spec.timeout_seconds = 7;
  spec.memory_mb = 256;
  spec.environment = {{"GREETING", "hi"}};
  InvokeResult result = Invoke(spec, R"({"n": 1})");
  ASSERT_EQ(result.status, Status::kOk) << result.payload;
  json out = json::parse(result.payload);
  EXPECT_EQ(out["event"]["n"], 1);
  EXPECT_EQ(out["aws_request_id"], result.request_id);
  EXPECT_EQ(out["function_name"], "ctx");
  EXPECT_EQ(out["function_version"], "$LATEST");
  EXPECT_EQ(out["memory_limit_in_mb"], "256");
  EXPECT_EQ(out["invoked_function_arn"], spec.arn);
  EXPECT_EQ(out["log_group_name"], "/aws/lambda/ctx");
  EXPECT_NE(out["log_stream_name"].get<std::string>().find("[$LATEST]"), std::string::npos);
  EXPECT_GT(out["remaining"].get<int>(), 5000);
  EXPECT_LE(out["remaining"].get<int>(), 7000);
  EXPECT_EQ(out["region"], "us-east-1");
}

TEST_F(RuntimeTest, AnExceptionIsAFunctionErrorWithItsClassAndStack) {
  FunctionSpec spec = Python("raises", R"(
class OrderRejected(Exception):
    pass

def lambda_handler(event, context):
    raise OrderRejected("order 42 has no items")
)");
  InvokeResult result = Invoke(spec);
  ASSERT_EQ(result.status, Status::kFunctionError) << result.payload;
  json error = json::parse(result.payload);
  EXPECT_EQ(error["errorType"], "OrderRejected");
  EXPECT_EQ(error["errorMessage"], "order 42 has no items");
  ASSERT_TRUE(error["stackTrace"].is_array());
  ASSERT_FALSE(error["stackTrace"].empty());
  EXPECT_NE(error["stackTrace"][0].get<std::string>().find("app.py"), std::string::npos);
  EXPECT_NE(result.log_tail.find("[ERROR] OrderRejected: order 42 has no items"),
            std::string::npos);
}

TEST_F(RuntimeTest, ANonSerialisableResultIsAMarshalError) {
  FunctionSpec spec = Python("marshal", "def lambda_handler(event, context):\n  return {1, 2}\n");
  InvokeResult result = Invoke(spec);
  ASSERT_EQ(result.status, Status::kFunctionError);
  EXPECT_EQ(json::parse(result.payload)["errorType"], "Runtime.MarshalError");
}

TEST_F(RuntimeTest, AMissingModuleOrHandlerIsAnInitError) {
  FunctionSpec spec = Python("nomodule", "x = 1\n", "missing.lambda_handler");
  InvokeResult result = Invoke(spec);
  ASSERT_EQ(result.status, Status::kInitError) << result.payload;
  json error = json::parse(result.payload);
  EXPECT_EQ(error["errorType"], "Runtime.ImportModuleError");
  EXPECT_EQ(error["errorMessage"], "Unable to import module 'missing': No module named 'missing'");

  FunctionSpec no_handler = Python("nohandler", "x = 1\n", "app.handler");
  result = Invoke(no_handler);
  ASSERT_EQ(result.status, Status::kInitError) << result.payload;
  error = json::parse(result.payload);
  EXPECT_EQ(error["errorType"], "Runtime.HandlerNotFound");
  EXPECT_EQ(error["errorMessage"], "Handler 'handler' missing on module 'app'");
}

TEST_F(RuntimeTest, LogsAreFramedPerInvocationAndTailed) {
  FunctionSpec spec = Python("logs", R"(import logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("cold start")

def lambda_handler(event, context):
    print("processing", event["id"])
    logger.info("done with %s", event["id"])
    return "ok"
)");
  InvokeResult first = Invoke(spec, R"({"id": "a"})");
  InvokeResult second = Invoke(spec, R"({"id": "b"})");
  ASSERT_EQ(first.status, Status::kOk) << first.payload;
  ASSERT_EQ(second.status, Status::kOk) << second.payload;
  std::string log = ReadLog("logs");
  size_t cold = log.find("cold start\n");
  size_t start = log.find("START RequestId: " + first.request_id + " Version: $LATEST\n");
  size_t line = log.find("processing a\n");
  size_t info = log.find("[INFO]\t");
  size_t end = log.find("END RequestId: " + first.request_id + "\n");
  size_t report = log.find("REPORT RequestId: " + first.request_id + "\tDuration: ");
  size_t next = log.find("START RequestId: " + second.request_id);
  ASSERT_NE(cold, std::string::npos) << log;
  EXPECT_LT(cold, start);
  EXPECT_LT(start, line);
  EXPECT_LT(line, info);
  EXPECT_LT(info, end);
  EXPECT_LT(end, report);
  EXPECT_LT(report, next);
  EXPECT_NE(log.find(first.request_id + "\tdone with a\n"), std::string::npos) << log;
  EXPECT_NE(log.substr(report).find("Init Duration: "), std::string::npos);
  EXPECT_EQ(log.substr(next).find("Init Duration: "), std::string::npos) << "warm: no init";
  EXPECT_NE(second.log_tail.find("processing b\n"), std::string::npos) << second.log_tail;
  EXPECT_EQ(second.log_tail.find("processing a"), std::string::npos) << second.log_tail;
  EXPECT_NE(second.log_tail.find("END RequestId: " + second.request_id), std::string::npos);
}

TEST_F(RuntimeTest, AllocatingFarBeyondMemorySizeFails) {
  FunctionSpec spec = Python("memory", R"(
def lambda_handler(event, context):
    block = bytearray(2 * 1024 * 1024 * 1024)
    return len(block)
)");
  spec.memory_mb = 128;
  InvokeResult result = Invoke(spec);
  ASSERT_EQ(result.status, Status::kFunctionError) << result.payload;
  EXPECT_EQ(json::parse(result.payload)["errorType"], "MemoryError");
}

}  // namespace
}  // namespace sf::engine::function::testing
