#include "engine/function/peer_process.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sf::engine::function {

namespace {

// The port of "ip:port" or "[v6]:port"; 0 when there is none.
uint16_t PortOf(std::string_view address) {
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return 0;
  long port = std::strtol(std::string(address.substr(colon + 1)).c_str(), nullptr, 10);
  return port > 0 && port < 65536 ? static_cast<uint16_t>(port) : 0;
}

// The inode of the socket whose local port is `local_port` and remote port `remote_port`, from
// /proc/net/tcp and tcp6 ("sl local_address rem_address st ... uid timeout inode"; addresses
// are hex "ADDR:PORT").
std::optional<unsigned long> SocketInode(uint16_t local_port, uint16_t remote_port) {
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      auto port = [](const std::string& hex_address) -> unsigned long {
        size_t colon = hex_address.rfind(':');
        return colon == std::string::npos
                   ? 0
                   : std::strtoul(hex_address.c_str() + colon + 1, nullptr, 16);
      };
      if (port(local) == local_port && port(remote) == remote_port && !inode.empty()) {
        unsigned long value = std::strtoul(inode.c_str(), nullptr, 10);
        if (value != 0) return value;
      }
    }
  }
  return std::nullopt;
}

// Whether process `pid` has a descriptor on socket `inode`.
bool HoldsSocket(pid_t pid, const std::string& link) {
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* fds = ::opendir(dir.c_str());
  if (fds == nullptr) return false;
  bool found = false;
  char target[64];
  while (dirent* entry = ::readdir(fds)) {
    if (entry->d_name[0] == '.') continue;
    std::string path = dir + "/" + entry->d_name;
    ssize_t n = ::readlink(path.c_str(), target, sizeof(target) - 1);
    if (n > 0 && std::string_view(target, static_cast<size_t>(n)) == link) {
      found = true;
      break;
    }
  }
  ::closedir(fds);
  return found;
}

}  // namespace

std::optional<pid_t> LoopbackPeerProcess(std::string_view remote_address, uint16_t server_port,
                                         const std::vector<pid_t>& candidates) {
  uint16_t peer_port = PortOf(remote_address);
  if (peer_port == 0) return std::nullopt;
  auto inode = SocketInode(peer_port, server_port);
  if (!inode) return std::nullopt;
  std::string link = "socket:[" + std::to_string(*inode) + "]";
  for (pid_t pid : candidates) {
    if (HoldsSocket(pid, link)) return pid;
  }
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return std::nullopt;
  std::optional<pid_t> owner;
  while (dirent* entry = ::readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == ::getpid()) continue;
    if (HoldsSocket(static_cast<pid_t>(pid), link)) {
      owner = static_cast<pid_t>(pid);
      break;
    }
  }
  ::closedir(proc);
  return owner;
}

pid_t ParentProcess(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 1));
  std::string state;
  long parent = 0;
  rest >> state >> parent;
  return parent > 0 ? static_cast<pid_t>(parent) : 0;
}

}  // namespace sf::engine::function
