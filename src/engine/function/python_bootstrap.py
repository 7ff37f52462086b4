"""streamform's bootstrap for the python3.x runtimes: the Lambda runtime interface client.

Started as `python3 -u -B <this file>` in the function's code directory with Lambda's
environment (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...). It imports the handler
once, then loops: GET next, call handler(event, context), POST the response or the error.
An import failure is posted to /init/error and the process exits.
"""

import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_VERSION = "/2018-06-01/runtime"


class RuntimeClient:
    """Talks to the runtime API over one keep-alive connection."""

    def __init__(self, endpoint):
        host_port, _, prefix = endpoint.partition("/")
        host, _, port = host_port.rpartition(":")
        self.host, self.port = host, int(port)
        self.base = ("/" + prefix if prefix else "") + API_VERSION
        self.conn = None

    def _request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            try:
                self.conn.request(method, self.base + path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response, response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise

    def next(self):
        while True:
            response, body = self._request("GET", "/invocation/next")
            if response.status == 200:
                return response.headers, body
            if response.status >= 500 or response.status == 403:
                sys.exit(1)  # the engine gave up on this worker

    def post(self, path, payload, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type
        response, _ = self._request("POST", path, body=payload, headers=headers)
        return response.status


def error_body(error_type, message, stack=None):
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


def exception_body(exc):
    stack = traceback.format_list(traceback.extract_tb(exc.__traceback__)[1:])
    return error_body(type(exc).__name__, str(exc), stack)


def log_error(body):
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"])]
    if body["stackTrace"]:
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in body["stackTrace"])
    print("\r".join(lines).replace("\n", "\r"), flush=True)


class InitError(Exception):
    def __init__(self, body):
        super().__init__(body["errorMessage"])
        self.body = body


def load_handler(name):
    module_name, sep, function_name = name.rpartition(".")
    if not sep or not module_name:
        raise InitError(error_body(
            "Runtime.MalformedHandlerName",
            "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % name))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise InitError(error_body("Runtime.ImportModuleError",
                                   "Unable to import module '%s': %s" % (module_name, e)))
    except SyntaxError as e:
        raise InitError(error_body("Runtime.UserCodeSyntaxError",
                                   "Syntax error in module '%s': %s" % (module_name, e)))
    except Exception as e:  # module-level code raised
        body = exception_body(e)
        body["errorMessage"] = "Unable to import module '%s': %s" % (module_name, e)
        body["errorType"] = "Runtime.ImportModuleError"
        raise InitError(body)
    handler = getattr(module, function_name, None)
    if handler is None:
        raise InitError(error_body(
            "Runtime.HandlerNotFound",
            "Handler '%s' missing on module '%s'" % (function_name, module_name)))
    return handler


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class RequestIdFilter(logging.Filter):
    request_id = None

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


class LambdaLogHandler(logging.StreamHandler):
    """One log record per line, as Lambda keeps a multi-line record as one event."""

    def emit(self, record):
        try:
            self.stream.write(self.format(record).replace("\n", "\r") + "\n")
            self.flush()
        except Exception:
            self.handleError(record)


def setup_logging():
    handler = LambdaLogHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def invoke(client, handler, headers, event_bytes):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    RequestIdFilter.request_id = request_id
    trace_id = headers.get("Lambda-Runtime-Trace-Id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    context = LambdaContext(request_id, int(headers.get("Lambda-Runtime-Deadline-Ms", "0")),
                            headers.get("Lambda-Runtime-Invoked-Function-Arn"))
    path = "/invocation/%s" % request_id
    try:
        event = json.loads(event_bytes) if event_bytes else {}
        result = handler(event, context)
    except Exception as e:
        body = exception_body(e)
        log_error(body)
        client.post(path + "/error", json.dumps(body), body["errorType"])
        return
    try:
        payload = json.dumps(result)
    except (TypeError, ValueError) as e:
        body = error_body("Runtime.MarshalError", "Unable to marshal response: %s" % e)
        log_error(body)
        client.post(path + "/error", json.dumps(body), body["errorType"])
        return
    if client.post(path + "/response", payload) == 413:
        body = error_body("Function.ResponseSizeTooLarge",
                          "Response payload size exceeded maximum allowed payload size "
                          "(6291556 bytes).")
        client.post(path + "/error", json.dumps(body), body["errorType"])


def main():
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path[0] = task_root  # was this script's directory
    setup_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except InitError as e:
        log_error(e.body)
        client.post("/init/error", json.dumps(e.body), e.body["errorType"])
        sys.exit(1)
    while True:
        headers, event_bytes = client.next()
        invoke(client, handler, headers, event_bytes)


if __name__ == "__main__":
    main()
