// libFuzzer entry point: the input's first line is an Authorization header, the second a
// request target (path?query), the third an X-Amz-Date, the fourth an x-amz-content-sha256,
// the rest the body. The Verifier must return a value (never crash, hang or read out of
// bounds), for both an S3 and a JSON service. Also feeds the body to a ChunkedDecoder, plain
// and as the trailers of the -TRAILER form.
// Not part of the default build; wired into the clang fuzz build.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/auth_errors.h"
#include "auth/chunked.h"
#include "auth/verifier.h"
#include "base/clock.h"

namespace {

std::string_view NextLine(std::string_view* input) {
  size_t end = input->find('\n');
  std::string_view line = input->substr(0, end);
  input->remove_prefix(end == std::string_view::npos ? input->size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sf::auth::HttpRequest request;
  request.method = "PUT";
  request.headers.push_back({"Authorization", std::string(NextLine(&input))});
  std::string_view target = NextLine(&input);
  size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.headers.push_back({"Host", "localhost:4566"});
  request.headers.push_back({"X-Amz-Date", std::string(NextLine(&input))});
  std::string_view content_sha = NextLine(&input);
  if (!content_sha.empty())
    request.headers.push_back({"x-amz-content-sha256", std::string(content_sha)});
  sf::VirtualClock clock(1440938160000);  // 20150830T123600Z
  sf::auth::Verifier verifier(
      "us-east-1",
      [](std::string_view key) -> std::optional<std::string> {
        if (key == "AKIDEXAMPLE") return std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        return std::nullopt;
      },
      &clock);
  for (std::string_view service : {"s3", "kinesis"}) {
    auto result = verifier.Verify({&request, service, input});
    if (!result) (void)sf::auth::ErrorFor(result.error(), sf::auth::Protocol::kS3);
  }
  sf::auth::ChunkSigningContext context{std::string(32, 'k'), "20150830T123600Z",
                                        "20150830/us-east-1/s3/aws4_request", std::string(64, '0')};
  sf::auth::ChunkedDecoder decoder(context, 1 << 16);
  std::string out;
  (void)decoder.Feed(input, &out);
  (void)decoder.Finish();
  // The -TRAILER form: a validly signed final chunk, then the input as the trailer section
  // (the fuzzer cannot forge chunk signatures, so this is how it reaches the trailer parser).
  sf::auth::ChunkedDecoder trailers(context, 1 << 16,
                                    sf::auth::ChunkedDecoder::TrailerMode::kSigned);
  std::string final_chunk = sf::auth::ChunkedEncoder(context).Final();
  final_chunk.resize(final_chunk.size() - 2);  // the -TRAILER form has no CRLF after it
  if (trailers.Feed(final_chunk, &out)) (void)trailers.Feed(input, &out);
  (void)trailers.Finish();
  return 0;
}
