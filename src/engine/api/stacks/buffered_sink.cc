#include "engine/api/stacks/buffered_sink.h"

#include <utility>

namespace sf::engine {

namespace {

class BufferedSink : public BodySink {
 public:
  explicit BufferedSink(Handler next) : next_(std::move(next)) {}

  std::optional<HttpResponse> Write(std::string_view slice) override {
    body_.append(slice);
    return std::nullopt;
  }
  void Finish(HttpRequest&& head, Respond respond) override {
    head.body = std::move(body_);
    next_(std::move(head), std::move(respond));
  }
  void Abort() override { body_ = std::string(); }

 private:
  Handler next_;
  std::string body_;
};

}  // namespace

BodyPlan BufferedBodyPlan(uint64_t max_body_bytes, Handler next) {
  BodyPlan plan;
  plan.sink = std::make_unique<BufferedSink>(std::move(next));
  plan.max_body_bytes = max_body_bytes;
  return plan;
}

}  // namespace sf::engine
