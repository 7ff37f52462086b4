// A `provided` runtime's bootstrap written in C++, as a compiled handler ships one: a runtime
// API client over libcurl that answers each event with {"echo", "handler", "requestId", "arn",
// "deadlineMs", "pid"}, and an event "fail" with an error of type Cpp.Failure. Built for
// provided_runtime_test.cc, which copies it into a function's code as `bootstrap`.
#include <curl/curl.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace {

struct Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

size_t OnBody(char* data, size_t size, size_t count, void* out) {
  static_cast<Reply*>(out)->body.append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* out) {
  std::string line(data, size * count);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t start = line.find_first_not_of(' ', colon + 1);
    size_t end = line.find_last_not_of("\r\n");
    if (start != std::string::npos && end != std::string::npos && end >= start) {
      static_cast<Reply*>(out)->headers[name] = line.substr(start, end - start + 1);
    }
  }
  return size * count;
}

// GET when `body` is null, else POST it with `header` (may be null).
bool Call(const std::string& url, const std::string* body, const char* header, Reply& reply) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  curl_slist* headers = nullptr;
  if (header != nullptr) headers = curl_slist_append(headers, header);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 0L);  // a held GET next waits as long as it must
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  if (headers != nullptr) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return code == CURLE_OK;
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  const char* handler = std::getenv("_HANDLER");
  if (api == nullptr || handler == nullptr) return 2;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string base = std::string("http://") + api + "/2018-06-01/runtime/invocation/";
  for (;;) {
    Reply next;
    if (!Call(base + "next", nullptr, nullptr, next) || next.status != 200) return 1;
    const std::string id = next.headers["lambda-runtime-aws-request-id"];
    std::printf("cpp handling %s\n", id.c_str());
    std::fflush(stdout);
    Reply posted;
    if (next.body == "\"fail\"") {
      std::string error = R"({"errorMessage":"asked to fail","errorType":"Cpp.Failure"})";
      Call(base + id + "/error", &error, "Lambda-Runtime-Function-Error-Type: Cpp.Failure", posted);
    } else {
      std::string answer = "{\"echo\":" + next.body + ",\"handler\":\"" + handler +
                           "\",\"requestId\":\"" + id + "\",\"arn\":\"" +
                           next.headers["lambda-runtime-invoked-function-arn"] +
                           "\",\"deadlineMs\":" + next.headers["lambda-runtime-deadline-ms"] +
                           ",\"pid\":" + std::to_string(getpid()) + "}";
      Call(base + id + "/response", &answer, nullptr, posted);
    }
    if (posted.status != 202) return 1;
  }
}
