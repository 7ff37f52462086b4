// Tests of the base module: strings, base64, Value, Diagnostics and the work pool.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/base64.h"
#include "base/diagnostics.h"
#include "base/strings.h"
#include "base/value.h"
#include "base/work_pool.h"

namespace sf {

// How gtest prints a Value in failure messages (the same in every test file).
inline void PrintTo(const Value& value, std::ostream* out) { *out << value.ToTaggedJson().dump(); }

namespace {

// --- strings ---------------------------------------------------------------------------------

TEST(EditDistanceTest, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("ShardCont", "ShardCount"), 1);
  EXPECT_EQ(EditDistance("Stream", "Steam"), 1);
}

TEST(EditDistanceTest, IgnoresCase) {
  EXPECT_EQ(EditDistance("SHARDCOUNT", "shardcount"), 0);
  EXPECT_EQ(EditDistance("Ref", "rEf"), 0);
}

TEST(ClosestMatchTest, PicksTheNearestCandidate) {
  std::vector<std::string> candidates = {"ShardCount", "Name", "RetentionPeriodHours"};
  EXPECT_EQ(ClosestMatch("ShardCont", candidates), "ShardCount");
  EXPECT_EQ(ClosestMatch("Nme", candidates), "Name");
}

TEST(ClosestMatchTest, RejectsUnrelatedWordsAndEmptyCandidates) {
  EXPECT_EQ(ClosestMatch("Banana", {"ShardCount", "Name"}), "");
  EXPECT_EQ(ClosestMatch("Name", {}), "");
}

TEST(DidYouMeanTest, CloseTypoGivesAHint) {
  EXPECT_EQ(DidYouMean("ShardCont", {"Name", "ShardCount"}), "did you mean 'ShardCount'?");
  EXPECT_EQ(DidYouMean("!Reff", {"!Ref", "!Sub"}), "did you mean '!Ref'?");
}

TEST(DidYouMeanTest, UnrelatedWordGivesNone) {
  EXPECT_EQ(DidYouMean("Zebra", {"Name", "ShardCount"}), "");
}

TEST(SplitTest, SplitsAtEverySeparator) {
  EXPECT_EQ(Split("a,b,c", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(Split(",a,", ','), (std::vector<std::string>{"", "a", ""}));
  EXPECT_EQ(Split("abc", ','), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(Split("", ','), (std::vector<std::string>{""}));
}

TEST(JoinTest, JoinsWithTheSeparator) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({"only"}, "-"), "only");
  EXPECT_EQ(Join({}, "-"), "");
  EXPECT_EQ(Join({"", ""}, "/"), "/");
}

TEST(SplitJoinTest, JoinUndoesSplit) {
  const std::string text = "x/y//z/";
  EXPECT_EQ(Join(Split(text, '/'), "/"), text);
}

TEST(PointerEscapeTest, EscapesTildeAndSlash) {
  EXPECT_EQ(PointerEscape("plain"), "plain");
  EXPECT_EQ(PointerEscape("a/b"), "a~1b");
  EXPECT_EQ(PointerEscape("a~b"), "a~0b");
  // "~1" must become "~01", not "~1" read back as "/".
  EXPECT_EQ(PointerEscape("~1"), "~01");
  EXPECT_EQ(PointerEscape("/~"), "~1~0");
  EXPECT_EQ(PointerEscape(""), "");
}

TEST(StartsWithTest, ChecksPrefix) {
  EXPECT_TRUE(StartsWith("Fn::Sub", "Fn::"));
  EXPECT_TRUE(StartsWith("abc", ""));
  EXPECT_FALSE(StartsWith("Fn", "Fn::"));
  EXPECT_FALSE(StartsWith("Ref", "Fn::"));
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xc3\xa4"), 1u);  // a-umlaut, two bytes
  EXPECT_EQ(Utf8Length("\xe2\x82\xac"
                       "1"),
            2u);                                  // euro sign (three bytes) and a digit
  EXPECT_EQ(Utf8Length("\xf0\x9f\x98\x80"), 1u);  // an emoji, four bytes
}

// --- base64 ----------------------------------------------------------------------------------

struct Base64Vector {
  const char* plain;
  const char* encoded;
};

class Base64VectorTest : public testing::TestWithParam<Base64Vector> {};

TEST_P(Base64VectorTest, EncodesToTheRfcVector) {
  EXPECT_EQ(Base64Encode(GetParam().plain), GetParam().encoded);
}

TEST_P(Base64VectorTest, DecodesTheRfcVector) {
  auto decoded = Base64Decode(GetParam().encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, GetParam().plain);
}

// RFC 4648, section 10.
INSTANTIATE_TEST_SUITE_P(Rfc4648, Base64VectorTest,
                         testing::Values(Base64Vector{"", ""}, Base64Vector{"f", "Zg=="},
                                         Base64Vector{"fo", "Zm8="}, Base64Vector{"foo", "Zm9v"},
                                         Base64Vector{"foob", "Zm9vYg=="},
                                         Base64Vector{"fooba", "Zm9vYmE="},
                                         Base64Vector{"foobar", "Zm9vYmFy"}),
                         [](const testing::TestParamInfo<Base64Vector>& param) {
                           return "Length" + std::to_string(param.index);
                         });

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t length = 0; length <= bytes.size(); length += 37) {
    std::string part = bytes.substr(0, length);
    auto decoded = Base64Decode(Base64Encode(part));
    ASSERT_TRUE(decoded.has_value()) << "length " << length;
    EXPECT_EQ(*decoded, part) << "length " << length;
  }
  EXPECT_EQ(Base64Encode("\xff\xfe"), "//4=");
  EXPECT_EQ(Base64Encode("\xfb\xef"), "++8=");
}

TEST(Base64Test, RejectsInvalidInput) {
  EXPECT_FALSE(Base64Decode("Zg").has_value());        // not a multiple of 4
  EXPECT_FALSE(Base64Decode("Zm9").has_value());       // likewise
  EXPECT_FALSE(Base64Decode("Zm9v!A==").has_value());  // character outside the alphabet
  EXPECT_FALSE(Base64Decode("Zm 9").has_value());      // whitespace
  EXPECT_FALSE(Base64Decode("====").has_value());      // padding only
  EXPECT_FALSE(Base64Decode("Z===").has_value());      // too much padding
  EXPECT_FALSE(Base64Decode("Zg=A").has_value());      // data after padding
  EXPECT_FALSE(Base64Decode("Zg==Zm9v").has_value());  // padding in the middle
}

// --- Value -----------------------------------------------------------------------------------

TEST(ValueTest, ScalarsKeepTheirText) {
  EXPECT_EQ(Value::String("abc").text(), "abc");
  EXPECT_EQ(Value::Number("05").text(), "05");
  EXPECT_EQ(Value::Bool(true).text(), "true");
  EXPECT_EQ(Value::Bool(false).AsString(), "false");
  EXPECT_EQ(Value::Unknown("Stream.Arn").text(), "Stream.Arn");
  EXPECT_EQ(Value::List({Value::String("a")}).AsString(), "");
  EXPECT_TRUE(Value().IsNull());
}

TEST(ValueTest, EqualityIgnoresMapOrder) {
  Value a = Value::Map({{"x", Value::String("1")}, {"y", Value::Number("2")}});
  Value b = Value::Map({{"y", Value::Number("2")}, {"x", Value::String("1")}});
  EXPECT_EQ(a, b);
  Value c = Value::Map({{"x", Value::String("1")}});
  EXPECT_NE(a, c);
  EXPECT_NE(c, a);
  Value d = Value::Map({{"x", Value::String("1")}, {"z", Value::Number("2")}});
  EXPECT_NE(a, d);
}

TEST(ValueTest, EqualityKeepsListOrder) {
  EXPECT_EQ(Value::List({Value::String("a"), Value::String("b")}),
            Value::List({Value::String("a"), Value::String("b")}));
  EXPECT_NE(Value::List({Value::String("a"), Value::String("b")}),
            Value::List({Value::String("b"), Value::String("a")}));
}

TEST(ValueTest, EqualityIgnoresOrigin) {
  Value a = Value::String("x");
  Value b = Value::String("x");
  a.set_origin({3, 4});
  b.set_origin({10, 1});
  EXPECT_EQ(a, b);
}

TEST(ValueTest, NumberTextMatters) {
  EXPECT_EQ(Value::Number("1"), Value::Number("1"));
  EXPECT_NE(Value::Number("1"), Value::Number("1.0"));
  EXPECT_NE(Value::Number("5"), Value::Number("05"));
}

TEST(ValueTest, KindMatters) {
  EXPECT_NE(Value::Number("1"), Value::String("1"));
  EXPECT_NE(Value::Bool(true), Value::String("true"));
  EXPECT_NE(Value::Unknown("x"), Value::String("x"));
  EXPECT_NE(Value(), Value::String(""));
  EXPECT_NE(Value::Bool(true), Value::Bool(false));
  EXPECT_EQ(Value(), Value());
}

TEST(ValueTest, IsFullyKnownLooksInside) {
  EXPECT_TRUE(Value::String("a").IsFullyKnown());
  EXPECT_FALSE(Value::Unknown("a").IsFullyKnown());
  Value nested = Value::Map(
      {{"list", Value::List({Value::String("a"), Value::Map({{"deep", Value::Unknown("d")}})})}});
  EXPECT_FALSE(nested.IsFullyKnown());
  Value known = Value::Map({{"list", Value::List({Value::String("a"), Value::Number("1")})}});
  EXPECT_TRUE(known.IsFullyKnown());
}

TEST(ValueTest, FindAndSet) {
  Value map = Value::Map();
  map.Set("a", Value::String("1"));
  map.Set("b", Value::String("2"));
  map.Set("a", Value::String("3"));
  ASSERT_EQ(map.members().size(), 2u);
  EXPECT_EQ(map.members()[0].first, "a");  // replaced in place
  ASSERT_NE(map.Find("a"), nullptr);
  EXPECT_EQ(map.Find("a")->text(), "3");
  EXPECT_EQ(map.Find("missing"), nullptr);
}

TEST(ValueTest, ToJsonShowsUnknownsAsKnownAfterApply) {
  Value value = Value::Map({{"arn", Value::Unknown("Stream.Arn")},
                            {"count", Value::Number("2")},
                            {"on", Value::Bool(true)},
                            {"none", Value()}});
  nlohmann::json json = value.ToJson();
  EXPECT_EQ(json["arn"], "(known after apply: Stream.Arn)");
  EXPECT_EQ(json["count"], 2);
  EXPECT_EQ(json["on"], true);
  EXPECT_TRUE(json["none"].is_null());
}

TEST(ValueTest, TaggedJsonRoundTripsEveryKind) {
  Value value = Value::Map({
      {"z", Value::String("text")},
      {"a", Value::Number("5.0")},
      {"n", Value::Number("007")},
      {"b", Value::Bool(false)},
      {"nothing", Value()},
      {"arn", Value::Unknown("Stream.Arn")},
      {"list", Value::List({Value::Number("1"), Value::Unknown("x"), Value::String("1")})},
      {"nested", Value::Map({{"$unknown", Value::String("not an unknown")}})},
      {"empty", Value::Map()},
  });
  Value back = Value::FromTaggedJson(value.ToTaggedJson());
  EXPECT_EQ(back, value);
  // Equality ignores map order; check the order and number texts are kept too.
  ASSERT_EQ(back.members().size(), value.members().size());
  for (size_t i = 0; i < value.members().size(); ++i) {
    EXPECT_EQ(back.members()[i].first, value.members()[i].first);
  }
  EXPECT_EQ(back.Find("a")->kind(), Value::Kind::kNumber);
  EXPECT_EQ(back.Find("a")->text(), "5.0");
  EXPECT_EQ(back.Find("n")->text(), "007");
  EXPECT_TRUE(back.Find("arn")->IsUnknown());
  EXPECT_EQ(back.Find("arn")->text(), "Stream.Arn");
  EXPECT_TRUE(back.Find("nested")->IsMap());
  EXPECT_TRUE(back.Find("nested")->Find("$unknown")->IsString());
}

TEST(ValueTest, TaggedJsonRoundTripsTopLevelScalars) {
  for (const Value& value : {Value::Unknown("Bucket.Arn"), Value::Number("1e3"), Value::String(""),
                             Value::Bool(true), Value(), Value::List()}) {
    Value back = Value::FromTaggedJson(value.ToTaggedJson());
    EXPECT_EQ(back, value) << value.ToTaggedJson().dump();
    EXPECT_EQ(back.kind(), value.kind());
  }
}

TEST(ValueTest, TaggedJsonSurvivesSerialisation) {
  Value value = Value::List({Value::Number("1.50"), Value::Unknown("Fn::Join")});
  std::string text = value.ToTaggedJson().dump();
  EXPECT_EQ(Value::FromTaggedJson(nlohmann::json::parse(text)), value);
}

// --- Diagnostics -----------------------------------------------------------------------------

TEST(DiagnosticsTest, CountsErrorsAndWarnings) {
  Diagnostics diagnostics;
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_FALSE(diagnostics.has_errors());
  diagnostics.Warning({"a.yaml", 1, 1}, "w", "a warning");
  EXPECT_FALSE(diagnostics.has_errors());
  diagnostics.Error({"a.yaml", 2, 1}, "e", "an error", "/x", "hint");
  diagnostics.Add({Severity::kNote, {"a.yaml", 3, 1}, "n", "a note", "", ""});
  diagnostics.Error({"a.yaml", 4, 1}, "e", "another error");
  EXPECT_EQ(diagnostics.error_count(), 2);
  EXPECT_EQ(diagnostics.warning_count(), 1);
  EXPECT_EQ(diagnostics.items().size(), 4u);
  EXPECT_TRUE(diagnostics.has_errors());
  EXPECT_EQ(diagnostics.items()[1].pointer, "/x");
  EXPECT_EQ(diagnostics.items()[1].hint, "hint");
  EXPECT_EQ(diagnostics.items()[1].severity, Severity::kError);
}

TEST(DiagnosticsTest, AppendKeepsOrder) {
  Diagnostics first;
  first.Error({"a", 1, 1}, "one", "1");
  Diagnostics second;
  second.Error({"a", 1, 1}, "two", "2");
  second.Warning({"a", 1, 1}, "three", "3");
  first.Append(second);
  ASSERT_EQ(first.items().size(), 3u);
  EXPECT_EQ(first.items()[0].code, "one");
  EXPECT_EQ(first.items()[1].code, "two");
  EXPECT_EQ(first.items()[2].code, "three");
  EXPECT_EQ(first.warning_count(), 1);
}

TEST(DiagnosticsTest, SortAndDedupeOrdersByFileLineColumnThenInsertion) {
  Diagnostics diagnostics;
  diagnostics.Error({"b.yaml", 1, 1}, "b1", "m");
  diagnostics.Error({"a.yaml", 10, 2}, "a10-2", "m");
  diagnostics.Error({"a.yaml", 2, 5}, "a2-5-first", "m");
  diagnostics.Error({"a.yaml", 10, 1}, "a10-1", "m");
  diagnostics.Error({"a.yaml", 2, 5}, "a2-5-second", "m");
  diagnostics.SortAndDedupe();
  std::vector<std::string> codes;
  for (const auto& d : diagnostics.items()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"a2-5-first", "a2-5-second", "a10-1", "a10-2", "b1"}));
}

TEST(DiagnosticsTest, SortAndDedupeDropsOnlyExactDuplicates) {
  Diagnostics diagnostics;
  diagnostics.Error({"a.yaml", 3, 1}, "code", "same", "/p");
  diagnostics.Error({"a.yaml", 1, 1}, "other", "first");
  diagnostics.Error({"a.yaml", 3, 1}, "code", "same", "/p");
  diagnostics.Error({"a.yaml", 3, 1}, "code", "different message", "/p");
  diagnostics.Error({"a.yaml", 3, 1}, "code", "same", "/q");
  diagnostics.Error({"a.yaml", 3, 2}, "code", "same", "/p");
  diagnostics.SortAndDedupe();
  ASSERT_EQ(diagnostics.items().size(), 5u);
  EXPECT_EQ(diagnostics.items()[0].code, "other");
  EXPECT_EQ(diagnostics.items()[1].message, "same");
  EXPECT_EQ(diagnostics.items()[1].pointer, "/p");
  EXPECT_EQ(diagnostics.items()[2].message, "different message");
  EXPECT_EQ(diagnostics.items()[3].pointer, "/q");
  EXPECT_EQ(diagnostics.items()[4].location.column, 2);
  EXPECT_EQ(diagnostics.error_count(), 5);
}

TEST(SeverityNameTest, NamesEachSeverity) {
  EXPECT_STREQ(SeverityName(Severity::kError), "error");
  EXPECT_STREQ(SeverityName(Severity::kWarning), "warning");
  EXPECT_STREQ(SeverityName(Severity::kNote), "note");
}

// The pool runs every job it accepted, on its own threads, before its destructor returns.
TEST(WorkPoolTest, RunsEveryQueuedJobOnItsThreadsBeforeDestruction) {
  std::atomic<int> ran{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  {
    WorkPool pool(3, "test-pool");
    for (int i = 0; i < 200; ++i) {
      pool.Submit([&] {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
        ++ran;
      });
    }
  }  // the destructor drains the queue, then joins
  EXPECT_EQ(ran.load(), 200);
  EXPECT_LE(threads.size(), 3u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
}

}  // namespace
}  // namespace sf
