// streamform engine run|start|stop|status: the embedded engine in the foreground, or in the
// background with its pid, port and log in the data dir.
//
//   run     serve until SIGINT or SIGTERM, then stop gracefully; exit 0 (1 if it cannot start)
//   start   run in the background and wait until it answers /health; exit 0, or 1 if it failed
//           (the tail of its log is printed); already running is success
//   stop    SIGTERM the background engine and wait for it to exit; not running is success
//   status  exit 0 and describe it when it runs, 3 when it does not

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "base/logger.h"
#include "cli/commands/commands.h"
#include "cli/engine_state.h"
#include "client/http_client.h"
#include "engine/process/engine.h"

namespace sf::cli {

namespace fs = std::filesystem;

namespace {

struct EngineArgs {
  std::string data_dir;
  std::string address = "127.0.0.1";
  uint16_t port = engine::kDefaultPort;
  bool virtual_clock = false;
  std::string durability = "every-batch";
  int sync_interval_ms = 100;
  bool throttling = false;
  bool no_auth = false;
  std::string md5 = "auto";
};

std::string DataDir(const Context& context, const EngineArgs& args) {
  return args.data_dir.empty() ? DefaultEngineDir(context.options.project) : args.data_dir;
}

void Run(Context& context, const EngineArgs& args) {
  std::string dir = DataDir(context, args);
  std::error_code ec;
  fs::create_directories(dir, ec);
  Logger logger(stderr);
  engine::EngineOptions options;
  options.data_dir = dir;
  options.address = args.address;
  options.port = args.port;
  options.virtual_clock = args.virtual_clock;
  options.durability = args.durability == "interval" ? engine::DurabilityMode::kInterval
                                                     : engine::DurabilityMode::kEveryBatch;
  options.sync_interval_ms = args.sync_interval_ms;
  options.throttling = args.throttling;
  options.auth = !args.no_auth;
  options.md5 = args.md5 == "lanes"      ? engine::Md5Hashing::kHasher
                : args.md5 == "on-write" ? engine::Md5Hashing::kOnWrite
                                         : engine::Md5Hashing::kAuto;

  // Signals are taken synchronously by this thread; every other thread has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto started = engine::Engine::Start(options, logger);
  if (!started) {
    logger.Error("engine failed to start", {{"error", started.error().message}});
    context.exit_code = kExitFailed;
    return;
  }
  auto& engine = *started;
  if (args.address != "127.0.0.1" && args.address != "::1" && args.address != "localhost") {
    logger.Warn("the engine listens beyond loopback", {{"address", args.address}});
  }
  if (auto written =
          WriteEngineState(dir, {static_cast<int>(getpid()), engine->port(), args.address});
      !written) {
    logger.Warn("cannot write the engine state file", {{"error", written.error().message}});
  }
  bool loopback =
      args.address == "127.0.0.1" || args.address == "::1" || args.address == "localhost";
  std::cerr << "streamform engine listening on http://" << args.address << ":" << engine->port()
            << (loopback ? " (loopback only)" : " (reachable from other machines)") << ", data in "
            << dir << ", " << (args.no_auth ? "SigV4 NOT checked (--no-auth)" : "SigV4 required")
            << "; credentials: eval \"$(streamform env"
            << (args.data_dir.empty() ? std::string() : " --data-dir '" + dir + "'") << ")\"\n";
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  logger.Info("signal received", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
  engine->Stop();
  RemoveEngineState(dir);
  context.exit_code = kExitOk;
}

void Start(Context& context, const EngineArgs& args, const std::vector<std::string>& passthrough) {
  std::string dir = DataDir(context, args);
  if (auto state = RunningEngine(dir)) {
    *context.out << "engine already running (pid " << state->pid << ", http://" << state->address
                 << ":" << state->port << ")\n";
    return;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string log_path = (fs::path(dir) / "engine.log").string();
  pid_t pid = fork();
  if (pid < 0) {
    *context.err << "streamform: cannot start the engine: fork failed\n";
    context.exit_code = kExitFailed;
    return;
  }
  if (pid == 0) {  // the engine: its own session, stdio to the log
    setsid();
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    int null = open("/dev/null", O_RDONLY);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    if (null >= 0) dup2(null, STDIN_FILENO);
    std::vector<std::string> argv = {
        "streamform", "--project", context.options.project, "engine", "run", "--data-dir", dir};
    argv.insert(argv.end(), passthrough.begin(), passthrough.end());
    std::vector<char*> raw;
    for (auto& arg : argv) raw.push_back(arg.data());
    raw.push_back(nullptr);
    execv("/proc/self/exe", raw.data());
    _exit(127);
  }
  // Wait for it to answer /health, or to die.
  client::HttpClient client;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) break;  // it exited: failed to start
    if (auto state = ReadEngineState(dir); state && state->pid == pid) {
      auto health = client.Get(
          "http://" + state->address + ":" + std::to_string(state->port) + "/health", 500);
      if (health && health->status == 200) {
        *context.out << "engine started (pid " << pid << ", http://" << state->address << ":"
                     << state->port << ", log " << log_path << ")\n";
        return;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *context.err << "streamform: the engine did not start; the end of " << log_path << ":\n";
  std::ifstream log(log_path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  for (size_t i = lines.size() > 10 ? lines.size() - 10 : 0; i < lines.size(); ++i)
    *context.err << lines[i] << "\n";
  kill(pid, SIGTERM);
  context.exit_code = kExitFailed;
}

void Stop(Context& context, const EngineArgs& args) {
  std::string dir = DataDir(context, args);
  auto state = RunningEngine(dir);
  if (!state) {
    *context.out << "engine is not running\n";
    return;
  }
  kill(state->pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (kill(state->pid, 0) != 0) {
      RemoveEngineState(dir);
      *context.out << "engine stopped (pid " << state->pid << ")\n";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  *context.err << "streamform: the engine (pid " << state->pid << ") did not stop within 30 s\n";
  context.exit_code = kExitFailed;
}

void Status(Context& context, const EngineArgs& args) {
  std::string dir = DataDir(context, args);
  auto state = RunningEngine(dir);
  if (!state) {
    *context.out << "engine is not running (data dir " << dir << ")\n";
    context.exit_code = kExitNotRunning;
    return;
  }
  client::HttpClient client;
  auto health =
      client.Get("http://" + state->address + ":" + std::to_string(state->port) + "/health");
  bool healthy = health && health->status == 200;
  if (context.json()) {
    *context.out << "{\"running\": true, \"pid\": " << state->pid << ", \"port\": " << state->port
                 << ", \"address\": \"" << state->address
                 << "\", \"healthy\": " << (healthy ? "true" : "false") << ", \"dataDir\": \""
                 << dir << "\"}\n";
  } else {
    *context.out << "engine running (pid " << state->pid << ", http://" << state->address << ":"
                 << state->port << ", " << (healthy ? "healthy" : "not answering /health")
                 << ", data dir " << dir << ")\n";
  }
  if (!healthy) context.exit_code = kExitFailed;
}

}  // namespace

void RegisterEngine(CLI::App& app, Context& context) {
  auto* command =
      app.add_subcommand("engine", "Run the embedded engine (streams behind the Kinesis API)");
  command->require_subcommand(1);
  auto args = std::make_shared<EngineArgs>();
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--data-dir", args->data_dir,
                    "Where the engine keeps its data (default: <project>/.streamform/engine)");
  };
  auto add_serving = [&](CLI::App* sub) {
    add_common(sub);
    sub->add_option("--address", args->address,
                    "Address to listen on (default 127.0.0.1: loopback only)");
    sub->add_option("--port", args->port, "Port to listen on (default 4560; 0 picks a free one)");
    sub->add_flag("--virtual-clock", args->virtual_clock,
                  "Run on a clock that only POST /_streamform/clock moves");
    sub->add_option("--durability", args->durability,
                    "every-batch (fsync before each acknowledgement, the default) or interval")
        ->check(CLI::IsMember({"every-batch", "interval"}));
    sub->add_option("--sync-interval-ms", args->sync_interval_ms,
                    "With --durability interval: how often to fsync");
    sub->add_flag("--throttling", args->throttling,
                  "Enforce per-shard throughput limits on every stream");
    sub->add_flag("--no-auth", args->no_auth,
                  "Development only: accept requests without a valid SigV4 signature");
    sub->add_option("--md5", args->md5,
                    "Who computes S3 ETags: auto (vector lanes where the CPU has AVX2 or "
                    "AVX-512, the default), lanes, or on-write (each upload as it arrives)")
        ->check(CLI::IsMember({"auto", "lanes", "on-write"}));
  };
  auto* run =
      command->add_subcommand("run", "Run the engine in the foreground until SIGINT or SIGTERM");
  add_serving(run);
  run->callback([&context, args] { Run(context, *args); });
  auto* start = command->add_subcommand("start", "Start the engine in the background");
  add_serving(start);
  start->callback([&context, args, start] {
    std::vector<std::string> passthrough = {"--address",
                                            args->address,
                                            "--port",
                                            std::to_string(args->port),
                                            "--durability",
                                            args->durability,
                                            "--sync-interval-ms",
                                            std::to_string(args->sync_interval_ms),
                                            "--md5",
                                            args->md5};
    if (args->virtual_clock) passthrough.push_back("--virtual-clock");
    if (args->throttling) passthrough.push_back("--throttling");
    if (args->no_auth) passthrough.push_back("--no-auth");
    (void)start;
    Start(context, *args, passthrough);
  });
  auto* stop = command->add_subcommand("stop", "Stop the background engine");
  add_common(stop);
  stop->callback([&context, args] { Stop(context, *args); });
  auto* status =
      command->add_subcommand("status", "Tell whether the engine runs (exit 0) or not (exit 3)");
  add_common(status);
  status->callback([&context, args] { Status(context, *args); });
}

}  // namespace sf::cli
