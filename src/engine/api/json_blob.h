#pragma once
// Blob members of JSON 1.1 requests (Kinesis and Firehose record Data): base64 text, decoded
// the way AWS's JSON protocol does, with its SerializationException wording for bad encodings.
// Pure; thread-safe.

#include <string>
#include <string_view>

#include "engine/api_error.h"

namespace sf::engine {

// The bytes `text` encodes; SerializationException "'<text>' can not be converted to a Blob:
// ..." when it is not base64 of a multiple-of-4 length.
ApiResult<std::string> DecodeBlob(std::string_view text);

// How AWS's validation messages show a blob value: "java.nio.HeapByteBuffer[pos=0 lim=N cap=N]".
std::string BlobValueText(size_t size);

}  // namespace sf::engine
