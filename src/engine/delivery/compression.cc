#include "engine/delivery/compression.h"

#include <zlib.h>

#include <algorithm>

namespace sf::engine::delivery {

namespace {

constexpr int kGzipWindowBits = 15 + 16;  // the largest window, with a gzip header and trailer
constexpr uInt kChunk = 1u << 30;         // zlib counts in uInt: feed larger inputs in pieces

Result<std::string> Gzip(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Fail(ErrorCode::kInternal, "zlib: cannot start a gzip stream");
  }
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 64, '\0');
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  size_t offset = 0;
  int status = Z_OK;
  do {
    size_t piece = std::min<size_t>(data.size() - offset, kChunk);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + offset));
    stream.avail_in = static_cast<uInt>(piece);
    offset += piece;
    status = deflate(&stream, offset == data.size() ? Z_FINISH : Z_NO_FLUSH);
  } while (status == Z_OK && offset < data.size());
  size_t written = stream.total_out;
  deflateEnd(&stream);
  if (status != Z_STREAM_END) return Fail(ErrorCode::kInternal, "zlib: gzip compression failed");
  out.resize(written);
  return out;
}

}  // namespace

Result<std::string> Compress(Compression compression, std::string data) {
  if (compression == Compression::kGzip) return Gzip(data);
  return data;
}

}  // namespace sf::engine::delivery
