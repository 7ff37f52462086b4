// The MD5 lanes against RFC 1321's test suite and OpenSSL (digest.h), for both the portable and
// the AVX-512 compression (the latter skipped, saying so, on a CPU without AVX-512).

#include "engine/bucket/md5_lanes.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sf::engine {
namespace {

struct Backend {
  const char* name;
  Md5CompressFn compress;
  bool available;
};

std::vector<Backend> Backends() {
  return {{"portable", &Md5CompressPortable, true},
          {"openssl", &Md5CompressOpenSsl, true},
          {"avx2", &Md5CompressAvx2, Md5Avx2Supported()},
          {"avx512", &Md5CompressAvx512, Md5Avx512Supported()}};
}

// Hashes `messages` (at most 16) together, each in its own lane, in one call per phase: all
// whole blocks, then each lane's padded tail.
std::vector<std::string> HashTogether(Md5CompressFn compress,
                                      const std::vector<std::string>& messages) {
  Md5Lanes lanes;
  const uint8_t* data[kMd5Lanes] = {};
  uint32_t blocks[kMd5Lanes] = {};
  for (size_t i = 0; i < messages.size(); ++i) {
    data[i] = reinterpret_cast<const uint8_t*>(messages[i].data());
    blocks[i] = static_cast<uint32_t>(messages[i].size() / kMd5BlockBytes);
  }
  compress(lanes, data, blocks);
  std::vector<std::array<uint8_t, 2 * kMd5BlockBytes>> tails(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    size_t whole = messages[i].size() / kMd5BlockBytes * kMd5BlockBytes;
    blocks[i] = Md5PadTail(std::string_view(messages[i]).substr(whole), messages[i].size(),
                           tails[i].data());
    data[i] = tails[i].data();
  }
  compress(lanes, data, blocks);
  std::vector<std::string> hex;
  for (size_t i = 0; i < messages.size(); ++i) hex.push_back(DigestHex(lanes.Digest(int(i))));
  return hex;
}

class Md5LanesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (!GetParam().available) GTEST_SKIP() << "this CPU lacks " << GetParam().name;
  }
};

TEST_P(Md5LanesTest, Rfc1321Suite) {
  std::vector<std::string> messages = {
      "",
      "a",
      "abc",
      "message digest",
      "abcdefghijklmnopqrstuvwxyz",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "12345678901234567890123456789012345678901234567890123456789012345678901234567890"};
  std::vector<std::string> expected = {
      "d41d8cd98f00b204e9800998ecf8427e", "0cc175b9c0f1b6a831c399e269772661",
      "900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
      "c3fcd3d76192e4007dfb496cca67e13b", "d174ab98d277d9f5a5611c2c9f419d9f",
      "57edf4a22be3c955ac49da2e2107b67a"};
  EXPECT_EQ(HashTogether(GetParam().compress, messages), expected);
}

// Every length around the padding boundaries (55/56, 63/64, 119/120), in every lane.
TEST_P(Md5LanesTest, PaddingBoundariesInEveryLane) {
  std::mt19937 random(7);
  for (size_t base : {0u, 48u, 112u}) {
    std::vector<std::string> messages;
    for (int lane = 0; lane < kMd5Lanes; ++lane) {
      std::string m(base + lane, '\0');
      for (char& c : m) c = static_cast<char>(random());
      messages.push_back(std::move(m));
    }
    auto got = HashTogether(GetParam().compress, messages);
    for (int lane = 0; lane < kMd5Lanes; ++lane) {
      EXPECT_EQ(got[lane], Md5Hex(messages[lane])) << "length " << messages[lane].size();
    }
  }
}

// Lanes of very different lengths, some idle, and data at unaligned addresses: each lane's
// digest is what OpenSSL gives for its bytes alone.
TEST_P(Md5LanesTest, UnequalUnalignedLanes) {
  std::mt19937 random(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::string> storage;
    std::vector<std::string> messages;
    int count = 1 + static_cast<int>(random() % kMd5Lanes);
    for (int lane = 0; lane < count; ++lane) {
      size_t length = random() % 3 == 0 ? random() % 200 : random() % 20000;
      std::string m(length, '\0');
      for (char& c : m) c = static_cast<char>(random());
      messages.push_back(m);
    }
    auto got = HashTogether(GetParam().compress, messages);
    for (int lane = 0; lane < count; ++lane) {
      EXPECT_EQ(got[lane], Md5Hex(messages[lane])) << "round " << round << " lane " << lane;
    }
  }
}

// Compressing a lane in several calls (as the hasher does, a chunk at a time) equals one call;
// a lane given no blocks is untouched, and a Reset lane starts a new stream.
TEST_P(Md5LanesTest, ChunkedCallsAndReset) {
  std::string message(64 * 100, '\0');
  std::mt19937 random(3);
  for (char& c : message) c = static_cast<char>(random());
  Md5Lanes lanes;
  const uint8_t* data[kMd5Lanes] = {};
  uint32_t blocks[kMd5Lanes] = {};
  const auto* bytes = reinterpret_cast<const uint8_t*>(message.data());
  for (uint32_t done = 0; done < 100;) {
    uint32_t n = std::min<uint32_t>(100 - done, 1 + static_cast<uint32_t>(random() % 17));
    data[5] = bytes + done * kMd5BlockBytes;
    blocks[5] = n;
    GetParam().compress(lanes, data, blocks);
    done += n;
  }
  uint8_t tail[2 * kMd5BlockBytes];
  data[5] = tail;
  blocks[5] = Md5PadTail({}, message.size(), tail);
  GetParam().compress(lanes, data, blocks);
  EXPECT_EQ(DigestHex(lanes.Digest(5)), Md5Hex(message));
  Md5Lanes fresh;
  EXPECT_EQ(lanes.a[4], fresh.a[4]);
  EXPECT_EQ(lanes.d[6], fresh.d[6]);
  lanes.Reset(5);
  blocks[5] = Md5PadTail("abc", 3, tail);
  GetParam().compress(lanes, data, blocks);
  EXPECT_EQ(DigestHex(lanes.Digest(5)), "900150983cd24fb0d6963f7d28e17f72");
}

// Only the upper lanes busy (the AVX2 code skips an idle group of 8), with different lengths.
TEST_P(Md5LanesTest, OnlyUpperLanes) {
  std::mt19937 random(21);
  std::string nine(64 * 37, '\0'), fifteen(64 * 5, '\0');
  for (char& c : nine) c = static_cast<char>(random());
  for (char& c : fifteen) c = static_cast<char>(random());
  Md5Lanes lanes;
  const uint8_t* data[kMd5Lanes] = {};
  uint32_t blocks[kMd5Lanes] = {};
  data[9] = reinterpret_cast<const uint8_t*>(nine.data());
  blocks[9] = 37;
  data[15] = reinterpret_cast<const uint8_t*>(fifteen.data());
  blocks[15] = 5;
  GetParam().compress(lanes, data, blocks);
  uint8_t tail9[2 * kMd5BlockBytes], tail15[2 * kMd5BlockBytes];
  data[9] = tail9;
  blocks[9] = Md5PadTail({}, nine.size(), tail9);
  data[15] = tail15;
  blocks[15] = Md5PadTail({}, fifteen.size(), tail15);
  GetParam().compress(lanes, data, blocks);
  EXPECT_EQ(DigestHex(lanes.Digest(9)), Md5Hex(nine));
  EXPECT_EQ(DigestHex(lanes.Digest(15)), Md5Hex(fifteen));
  EXPECT_EQ(lanes.b[3], Md5Lanes().b[3]);
}

INSTANTIATE_TEST_SUITE_P(Backends, Md5LanesTest, ::testing::ValuesIn(Backends()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(Md5LanesDispatchTest, BestMatchesTheCpu) {
  Md5CompressFn expected = Md5Avx512Supported() ? &Md5CompressAvx512
                           : Md5Avx2Supported() ? &Md5CompressAvx2
                                                : &Md5CompressPortable;
  EXPECT_EQ(BestMd5Compress(), expected);
}

}  // namespace
}  // namespace sf::engine
