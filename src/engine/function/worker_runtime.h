#pragma once
// The Runtime of runtime.h that runs handlers in real worker processes (see README.md).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/logger.h"
#include "base/result.h"
#include "engine/function/runtime.h"

namespace sf::engine::function {

struct WorkerRuntimeOptions {
  // The engine's bound port, read each time a worker starts (the port is known only once the
  // engine's server has started; no worker starts before the first Invoke).
  std::function<uint16_t()> port;
  std::string data_dir;  // logs under functions/<name>/log; the python bootstrap under runtime/
  std::string region = "us-east-1";
  int concurrency_cap = 1000;  // engine-wide: the most workers alive at once, every function
  Logger* logger = nullptr;    // worker starts, exits and failures; may be null
  // How long an invocation may wait for a worker before it is kThrottled. Unset: the
  // function's timeout (every running invocation ends within it, so a longer wait means the
  // queue ahead is deeper than the function's concurrency can drain in one timeout).
  std::optional<std::chrono::milliseconds> max_queue_wait;
  // An idle worker is stopped after this long without work (0: never). Keep it below the
  // engine server's idle_timeout, which bounds how long a GET next may be held open.
  std::chrono::milliseconds idle_ttl{50000};
  // Lambda's init phase allowance: a worker that has not asked for its first invocation within
  // init_limit + the function's timeout is killed and that invocation times out.
  std::chrono::milliseconds init_limit{10000};
};

// Writes the python bootstrap to <data_dir>/runtime/python_bootstrap.py (kIo if it cannot) and
// returns the runtime. Destroying it kills every worker and fails what is queued or running
// (kCrashed); no Invoke may be running or be made then, but HandleRuntimeApi may still be
// called until the destructor returns (destroy it before stopping the server).
Result<std::unique_ptr<Runtime>> MakeWorkerRuntime(WorkerRuntimeOptions options);

}  // namespace sf::engine::function
