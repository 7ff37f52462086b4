#pragma once
// Compressing a delivered object's body: GZIP as Firehose writes it (one gzip member, RFC 1952,
// readable by gunzip, Python's gzip module and Athena). Pure; thread-safe.

#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/delivery/delivery_stream.h"

namespace sf::engine::delivery {

// `data` in `compression`'s format (UNCOMPRESSED: as it is); kInternal if zlib fails.
Result<std::string> Compress(Compression compression, std::string data);

}  // namespace sf::engine::delivery
