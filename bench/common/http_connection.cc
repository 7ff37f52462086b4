#include "common/http_connection.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

namespace sf::bench {

HttpConnection::HttpConnection(Options options) : options_(std::move(options)) {
  buffer_.resize(options_.buffer_bytes);
}

HttpConnection::~HttpConnection() { Close(); }

bool HttpConnection::RoundTrip(const std::function<std::string_view()>& head, std::string_view body,
                               HttpResponse& response, std::string& error) {
  const bool full = options_.framing == Framing::kFull;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !Connect(error)) return false;
    bool sent = SendAll(head(), body, error);
    if (sent || full) {
      std::string read_error;
      if (ReadResponse(response, read_error)) {
        if (close_after_) Close();
        return true;
      }
      if (sent) error = read_error;
    }
    Close();
    ++reconnects_;
  }
  return false;
}

bool HttpConnection::Connect(std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  int rc =
      getaddrinfo(options_.host.c_str(), std::to_string(options_.port).c_str(), &hints, &result);
  if (rc != 0) {
    error = std::string("getaddrinfo: ") + gai_strerror(rc);
    return false;
  }
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      fd_ = fd;
      break;
    }
    error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(result);
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  timeval timeout{};
  timeout.tv_sec = static_cast<time_t>(options_.io_timeout_s);
  timeout.tv_usec =
      static_cast<suseconds_t>((options_.io_timeout_s - std::floor(options_.io_timeout_s)) * 1e6);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  have_ = consumed_ = 0;
  return true;
}

void HttpConnection::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  have_ = consumed_ = 0;
}

// Sends the head and the body in one sendmsg where the socket takes them (no copy).
bool HttpConnection::SendAll(std::string_view head, std::string_view body, std::string& error) {
  while (!head.empty() || !body.empty()) {
    iovec parts[2];
    int count = 0;
    if (!head.empty()) parts[count++] = {const_cast<char*>(head.data()), head.size()};
    if (!body.empty()) parts[count++] = {const_cast<char*>(body.data()), body.size()};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = static_cast<size_t>(count);
    ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      error = std::string("send: ") + std::strerror(errno);
      return false;
    }
    size_t done = static_cast<size_t>(sent);
    size_t from_head = std::min(done, head.size());
    head.remove_prefix(from_head);
    body.remove_prefix(done - from_head);
  }
  return true;
}

// Reads more bytes into buffer_[have_..]; grows the buffer when full. At EOF returns false with
// eof_ set.
bool HttpConnection::Fill(std::string& error) {
  if (have_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  while (true) {
    ssize_t got = ::recv(fd_, buffer_.data() + have_, buffer_.size() - have_, 0);
    if (got > 0) {
      have_ += static_cast<size_t>(got);
      return true;
    }
    if (got == 0) {
      eof_ = true;
      error = "connection closed by server";
      return false;
    }
    if (errno == EINTR) continue;
    error = errno == EAGAIN || errno == EWOULDBLOCK ? "timed out waiting for a response"
                                                    : std::string("recv: ") + std::strerror(errno);
    return false;
  }
}

bool HttpConnection::ReadResponse(HttpResponse& response, std::string& error) {
  if (fd_ < 0) {
    error = "not connected";
    return false;
  }
  while (true) {
    if (!ReadOne(response, error)) return false;
    // kFull: after 1xx (100 Continue) the real answer follows.
    if (options_.framing != Framing::kFull || response.status >= 200) return true;
  }
}

bool HttpConnection::ReadOne(HttpResponse& response, std::string& error) {
  const bool full = options_.framing == Framing::kFull;
  if (consumed_ > 0) {  // drop the previous response, keep anything after it
    std::memmove(buffer_.data(), buffer_.data() + consumed_, have_ - consumed_);
    have_ -= consumed_;
    consumed_ = 0;
  }
  eof_ = false;
  size_t head_end = 0;
  size_t scanned = 0;
  while (true) {
    std::string_view seen(buffer_.data(), have_);
    size_t at = seen.find("\r\n\r\n", scanned > 3 ? scanned - 3 : 0);
    if (at != std::string_view::npos) {
      head_end = at + 4;
      break;
    }
    scanned = have_;
    if (!Fill(error)) return false;
  }
  std::string_view head(buffer_.data(), head_end);
  if (head.size() < 12 || head.substr(0, 5) != "HTTP/") {
    error = "malformed response head";
    return false;
  }
  response.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  std::optional<size_t> content_length;
  bool chunked = false;
  close_after_ = full && head.substr(0, 8) == "HTTP/1.0";
  auto lower = [](std::string& text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
  };
  size_t line_start = head.find("\r\n") + 2;
  while (line_start < head.size()) {
    size_t line_end = head.find("\r\n", line_start);
    std::string_view line = head.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    lower(name);
    std::string value(line.substr(colon + 1));
    value.erase(0, value.find_first_not_of(' '));
    if (full) lower(value);
    if (name == "content-length") content_length = std::strtoull(value.c_str(), nullptr, 10);
    if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
    if (full && name == "connection" && value.find("close") != std::string::npos)
      close_after_ = true;
    if (full && name == "connection" && value.find("keep-alive") != std::string::npos)
      close_after_ = false;
  }
  if (full && (response.status < 200 || response.status == 204 || response.status == 304)) {
    content_length = 0;
  }
  if (chunked) return ReadChunked(head_end, response, error);
  if (!content_length) {
    if (!full) {
      error = "response without Content-Length or chunked encoding";
      return false;
    }
    while (Fill(error)) {  // the body runs to the end of the connection
    }
    if (!eof_) return false;
    close_after_ = true;
    content_length = have_ - head_end;
  }
  size_t total = head_end + *content_length;
  if (buffer_.size() < total) buffer_.resize(total);
  while (have_ < total) {
    if (!Fill(error)) return false;
  }
  response.body = std::string_view(buffer_.data() + head_end, *content_length);
  consumed_ = total;
  return true;
}

bool HttpConnection::ReadChunked(size_t pos, HttpResponse& response, std::string& error) {
  chunked_body_.clear();
  while (true) {
    size_t line_end;
    while ((line_end = std::string_view(buffer_.data(), have_).find("\r\n", pos)) ==
           std::string_view::npos) {
      if (!Fill(error)) return false;
    }
    size_t size =
        std::strtoull(std::string(buffer_.data() + pos, line_end - pos).c_str(), nullptr, 16);
    size_t data_start = line_end + 2;
    if (size == 0) {  // no trailers expected: the final CRLF follows
      while (have_ < data_start + 2) {
        if (!Fill(error)) return false;
      }
      consumed_ = data_start + 2;
      response.body = chunked_body_;
      return true;
    }
    while (have_ < data_start + size + 2) {
      if (!Fill(error)) return false;
    }
    chunked_body_.append(buffer_.data() + data_start, size);
    pos = data_start + size + 2;
  }
}

}  // namespace sf::bench
