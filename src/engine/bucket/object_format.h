#pragma once
// The object file: one file holding the data followed by its metadata, so data and metadata are
// made visible by one rename and can never disagree.
//
//   [data: size bytes][metadata JSON: json_bytes][u32 json_bytes][u64 size][8-byte magic]
//
// Integers are little-endian. A file whose footer magic, lengths or JSON do not check out is
// not an object (a torn or foreign file) and is removed when the bucket is opened.

#include <cstdint>
#include <string>

#include "engine/bucket/file_system.h"
#include "engine/bucket/object_info.h"

namespace sf::engine {

inline constexpr size_t kFooterBytes = 20;
inline constexpr char kFooterMagic[9] = "SFOBJ01\n";

// The metadata JSON and footer that follow `info.size` data bytes.
std::string EncodeTrailer(const ObjectInfo& info);

// The metadata of the object file `file`; kInternalError if it is not a complete object file.
StoreResult<ObjectInfo> ReadTrailer(const ReadableFile& file);

}  // namespace sf::engine
