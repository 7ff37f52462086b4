"""streamform's bootstrap for the python3.x runtimes: the Lambda runtime interface client.

Started as `python3 -u -B <this file>` in the function's code directory with Lambda's
environment (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...). It imports the handler
once, then loops: GET next, call handler(event, context), POST the response or the error.
An import failure is posted to /init/error and the process exits.

Endpoints. The engine gives workers AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> pointing
at itself, so that SDK clients a handler creates (at import time too) reach the engine rather
than AWS. botocore reads those variables itself from 1.31 on; Debian 12's botocore 1.29
(/usr/bin/python3) does not. For such a botocore, the bootstrap wraps
botocore.session.Session.create_client (so boto3.client, boto3.resource and botocore sessions
alike) when botocore.session is first imported, whoever imports it and wherever from (a
handler's zip may bring its own botocore). The wrapper does what newer botocore does:
  - an endpoint_url the caller passes (not None) is used as given;
  - otherwise AWS_ENDPOINT_URL_<SERVICE ID>, the service id upper-cased with spaces as
    underscores ("Kinesis" -> KINESIS, "CloudWatch Logs" -> CLOUDWATCH_LOGS), if set and
    non-empty, then AWS_ENDPOINT_URL;
  - AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both variables off.
A botocore that supports the variables natively (it has
botocore.configprovider.ConfiguredEndpointProvider) is left alone. The bootstrap never imports
botocore itself (that takes some 160 ms): a handler that does not use it neither pays for nor
sees any of this. S3 needs no addressing setting: against an IP endpoint such as
http://127.0.0.1:PORT botocore (1.29 as 1.43) addresses buckets path-style, even with
addressing_style "virtual"; against http://localhost:PORT the virtual style gives
bucket.localhost, which the engine serves too.
"""

import functools
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


def configured_endpoint_url(session, service_name, api_version):
    """The endpoint newer botocore would take from the environment for this client, or None."""
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return None
    try:
        # Exactly the load_service_model call botocore's create_client makes next, so that
        # its cache answers that one: the model is read from disk once.
        if api_version is None:
            api_version = session.get_config_variable("api_versions").get(service_name)
        model = session.get_component("data_loader").load_service_model(
            service_name, "service-2", api_version=api_version)
        service_id = model["metadata"]["serviceId"]
    except Exception:  # an unknown service: create_client itself reports it
        service_id = None
    if service_id:
        url = os.environ.get("AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").upper())
        if url:
            return url
    return os.environ.get("AWS_ENDPOINT_URL") or None


def patch_botocore_session(session_module):
    """Makes Session.create_client honour AWS_ENDPOINT_URL[_<SERVICE>] unless botocore does."""
    configprovider = sys.modules.get("botocore.configprovider")
    if configprovider is None or hasattr(configprovider, "ConfiguredEndpointProvider"):
        return  # a botocore that reads the variables itself (or one we do not know)
    session_class = getattr(session_module, "Session", None)
    create_client = getattr(session_class, "create_client", None)
    if create_client is None or getattr(create_client, "_streamform_endpoints", False):
        return
    import inspect
    try:
        names = list(inspect.signature(create_client).parameters)
        # positions in *args, which start after self and service_name
        endpoint_at = names.index("endpoint_url") - 2
        version_at = names.index("api_version") - 2
    except (TypeError, ValueError):
        return

    @functools.wraps(create_client)
    def create_client_with_configured_endpoint(self, service_name, *args, **kwargs):
        if len(args) > endpoint_at:
            if args[endpoint_at] is None:
                api_version = args[version_at] if len(args) > version_at else None
                url = configured_endpoint_url(self, service_name, api_version)
                if url:
                    args = args[:endpoint_at] + (url,) + args[endpoint_at + 1:]
        elif kwargs.get("endpoint_url") is None:
            api_version = (args[version_at] if len(args) > version_at
                           else kwargs.get("api_version"))
            url = configured_endpoint_url(self, service_name, api_version)
            if url:
                kwargs["endpoint_url"] = url
        return create_client(self, service_name, *args, **kwargs)

    create_client_with_configured_endpoint._streamform_endpoints = True
    session_class.create_client = create_client_with_configured_endpoint


class BotocoreEndpointHook:
    """A sys.meta_path finder that patches botocore.session as soon as it has been executed."""

    def find_spec(self, name, path=None, target=None):
        if name != "botocore.session":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None:
            return spec

        def exec_and_patch(module):
            exec_module(module)
            try:
                patch_botocore_session(module)
            except Exception:  # never fail the handler's import over this
                traceback.print_exc()

        loader.exec_module = exec_and_patch  # this loader instance serves this module only
        return spec


def install_botocore_endpoint_hook():
    if not any(isinstance(finder, BotocoreEndpointHook) for finder in sys.meta_path):
        sys.meta_path.insert(0, BotocoreEndpointHook())
    module = sys.modules.get("botocore.session")
    if module is not None:
        patch_botocore_session(module)


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
    install_botocore_endpoint_hook()
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
