// Session: the header phase (the classify hook, body limits, 100 Continue) and streamed
// request bodies.

#include <exception>
#include <string>
#include <utility>

#include <boost/beast/http/error.hpp>

#include "engine/server/response_head.h"
#include "engine/server/session.h"

namespace sf::engine {

namespace http = boost::beast::http;

namespace {

// Aborts a sink that will get nothing else; nothing it throws may escape.
void AbortQuietly(BodySink& sink) {
  try {
    sink.Abort();
  } catch (...) {
  }
}

}  // namespace

// Acts on a complete header, before any body byte is consumed: classifies the request, enforces
// its body limit, and sends 100 Continue. True if it took over control flow.
bool Session::OnHeaderDone() {
  header_done_ = true;
  HttpRequest& head = parser_->request();
  head.remote_address = remote_address_;
  NoteHead(head);
  BodyPlan plan = Classify(head);
  if (plan.answer) {
    if (plan.sink) AbortQuietly(*plan.sink);  // the answer wins; the sink never sees a byte
    if (ContinueBeforeEmptyBody()) {
      after_continue_ = std::move(*plan.answer);
      return true;
    }
    Answer(std::move(*plan.answer));
    return true;
  }
  uint64_t limit = core_.options.max_body_bytes;
  if (plan.sink) {
    sink_ = std::move(plan.sink);
    sink_open_ = true;
    limit = plan.max_body_bytes;
    if (core_.stopping.load()) {
      Refuse(503, "the server is stopping");
      return true;
    }
  }
  // A client waiting for 100 Continue has sent no body byte yet, so an oversized upload is
  // refused before it starts.
  if (!parser_->LimitBody(limit)) {
    RefuseParseError(http::error::body_limit);
    return true;
  }
  if (sink_open_) {
    parser_->StreamBody();
    SetDeadline(core_.options.read_timeout);  // from here on, per read
  } else {
    parser_->eager(true);  // from here on, put() consumes all the body bytes it is given
  }
  if (parser_->expects_continue() && buffer_.size() == 0 && !parser_->is_done()) {
    WriteContinue();
    return true;
  }
  return ContinueBeforeEmptyBody();
}

// botocore sends `Expect: 100-continue` even with an empty body and waits for the 100 before
// reading the final answer; without it, it keeps that answer on the pooled connection and reads
// it as the next request's (boto/botocore#3755). So a request with no body that expects 100
// gets it too, then its answer. True if the 100 is on its way (OnContinueWritten goes on).
bool Session::ContinueBeforeEmptyBody() {
  if (!parser_->expects_continue() || !parser_->is_done()) return false;
  WriteContinue();
  return true;
}

// The classify hook's plan for `head`; buffered when there is no hook. A hook that throws gets
// its request answered with a 500.
BodyPlan Session::Classify(const HttpRequest& head) {
  if (!core_.options.classify) return {};
  try {
    return core_.options.classify(head);
  } catch (...) {
    BodyPlan plan;
    plan.answer = ExceptionResponse("classifying the request failed", std::current_exception());
    return plan;
  }
}

// A BodyPlan answer: sent without reading the body. A request without a body is complete, so
// the connection carries on; otherwise the unread body forces a close.
void Session::Answer(HttpResponse response) {
  if (parser_->is_done()) {
    WriteResponse(std::move(response));
  } else {
    AnswerAndClose(std::move(response));
  }
}

// Hands the slice parsed by the last put() to the sink. False if the sink answered instead: the
// answer is on its way, the connection will close, and the sink gets neither Finish nor Abort.
bool Session::DeliverSlice() {
  std::string_view slice = parser_->TakeSlice();
  if (slice.empty()) return true;
  std::optional<HttpResponse> answer;
  bool failed = false;
  try {
    answer = sink_->Write(slice);
  } catch (...) {
    answer = ExceptionResponse("writing the request body failed", std::current_exception());
    failed = true;
  }
  if (!answer) return true;
  if (!failed) sink_open_ = false;  // a sink that threw is still owed its Abort
  AnswerAndClose(std::move(*answer));
  return false;
}

// The body will not be completed: tells the sink, once, and drops it.
void Session::AbortSink() {
  if (!std::exchange(sink_open_, false)) return;
  AbortQuietly(*sink_);
  sink_.reset();
}

}  // namespace sf::engine
