// LoopbackPeerProcess and ParentProcess against real sockets and a real child process.

#include "engine/function/peer_process.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

namespace sf::engine::function {
namespace {

// A listening loopback socket on a free port.
struct Listener {
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(fd, 4), 0);
    socklen_t size = sizeof(address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
  }
  ~Listener() { ::close(fd); }
  // Accepts one connection; returns the peer as "ip:port", as the server reports it.
  std::string Accept(int* accepted) {
    sockaddr_in peer{};
    socklen_t size = sizeof(peer);
    *accepted = ::accept(fd, reinterpret_cast<sockaddr*>(&peer), &size);
    char ip[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof(ip));
    return std::string(ip) + ":" + std::to_string(ntohs(peer.sin_port));
  }
  int fd = -1;
  uint16_t port = 0;
};

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

TEST(PeerProcessTest, FindsTheChildHoldingTheClientEnd) {
  Listener listener;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {  // connects, says so, and waits to be killed
    int fd = Connect(listener.port);
    char byte = fd >= 0 ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');
  int accepted = -1;
  std::string peer = listener.Accept(&accepted);
  // Among the candidates, and found by the scan of every process when not.
  EXPECT_EQ(LoopbackPeerProcess(peer, listener.port, {child}), child);
  EXPECT_EQ(LoopbackPeerProcess(peer, listener.port, {}), child);
  EXPECT_EQ(ParentProcess(child), ::getpid());
  // Another port, or a peer that is not connected to it: nobody.
  EXPECT_EQ(LoopbackPeerProcess(peer, static_cast<uint16_t>(listener.port + 1), {child}),
            std::nullopt);
  EXPECT_EQ(LoopbackPeerProcess("127.0.0.1:1", listener.port, {child}), std::nullopt);
  EXPECT_EQ(LoopbackPeerProcess("garbage", listener.port, {child}), std::nullopt);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(accepted);
  ::close(ready[0]);
  ::close(ready[1]);
}

TEST(PeerProcessTest, ParentOfUnknownProcessIsZero) {
  EXPECT_EQ(ParentProcess(0x7ffffff0), 0);
  EXPECT_GT(ParentProcess(::getpid()), 0);
}

}  // namespace
}  // namespace sf::engine::function
