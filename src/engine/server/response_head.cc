#include "engine/server/response_head.h"

#include <charconv>
#include <ctime>
#include <utility>

#include <boost/beast/http/status.hpp>

namespace sf::engine {

namespace {

constexpr std::string_view kServer = "streamform";

std::string_view Reason(int status) {
  auto reason = boost::beast::http::obsolete_reason(
      static_cast<boost::beast::http::status>(static_cast<unsigned>(status)));
  if (reason.empty() || reason.front() == '<') return "Unknown";
  return {reason.data(), reason.size()};
}

void AppendNumber(uint64_t value, std::string* out) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out->append(digits, static_cast<size_t>(end - digits));
}

void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->append(name).append(": ").append(value).append("\r\n");
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Framing fields the server owns; the handler's values are dropped.
bool IsServerOwned(std::string_view name) {
  return EqualsLower(name, "content-length") || EqualsLower(name, "transfer-encoding") ||
         EqualsLower(name, "connection") || EqualsLower(name, "date") ||
         EqualsLower(name, "server");
}

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

std::string FormatDate(std::time_t now) {
  static constexpr std::string_view kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm t{};
  gmtime_r(&now, &t);
  std::string out;
  out.append(kDays[t.tm_wday]).append(", ");
  AppendTwoDigits(t.tm_mday, &out);
  out.append(" ").append(kMonths[t.tm_mon]).append(" ");
  AppendNumber(static_cast<uint64_t>(t.tm_year + 1900), &out);
  out.append(" ");
  AppendTwoDigits(t.tm_hour, &out);
  out.append(":");
  AppendTwoDigits(t.tm_min, &out);
  out.append(":");
  AppendTwoDigits(t.tm_sec, &out);
  out.append(" GMT");
  return out;
}

}  // namespace

bool EqualsLower(std::string_view name, std::string_view lower_name) {
  if (name.size() != lower_name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_name[i]) return false;
  }
  return true;
}

std::string_view HttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached_text;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_text = FormatDate(now);
    cached_second = now;
  }
  return cached_text;
}

bool SerializeResponseHead(const HttpResponse& response, const ResponseFraming& framing,
                           std::string* out) {
  int status = response.status;
  out->clear();
  out->append("HTTP/1.1 ");
  AppendNumber(static_cast<uint64_t>(status), out);
  out->append(" ").append(Reason(status)).append("\r\n");
  const std::string* head_length = nullptr;
  for (const auto& [name, value] : response.headers) {
    if (HasLineBreak(name) || HasLineBreak(value) || name.empty()) continue;
    if (IsServerOwned(name)) {
      if (framing.head_request && EqualsLower(name, "content-length")) head_length = &value;
      continue;
    }
    AppendField(name, value, out);
  }
  bool bodiless_status = status < 200 || status == 204 || status == 304;
  if (!bodiless_status) {
    out->append("Content-Length: ");
    if (response.source) {
      AppendNumber(response.source->size(), out);
    } else if (head_length != nullptr) {
      out->append(*head_length);
    } else {
      AppendNumber(response.body.size(), out);
    }
    out->append("\r\n");
  }
  AppendField("Date", HttpDate(), out);
  AppendField("Server", kServer, out);
  if (framing.close) {
    AppendField("Connection", "close", out);
  } else if (framing.keep_alive_header) {
    AppendField("Connection", "keep-alive", out);
  }
  out->append("\r\n");
  return !bodiless_status && !framing.head_request;
}

HttpResponse PlainResponse(int status, std::string_view text) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body.assign(text);
  response.body.push_back('\n');
  return response;
}

std::string ExceptionText(std::string_view what, std::exception_ptr error) {
  std::string text(what);
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    text.append(": ").append(e.what());
  } catch (...) {
  }
  return text;
}

HttpResponse ExceptionResponse(std::string_view what, std::exception_ptr error) {
  return PlainResponse(500, ExceptionText(what, std::move(error)));
}

}  // namespace sf::engine
