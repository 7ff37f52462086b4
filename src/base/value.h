#pragma once
// A resolved template value: JSON-like data that may contain Unknowns.
//
// An Unknown stands for a value that exists only after apply (a stream's Arn, an imported
// export that has not been created yet). It carries a description such as "Stream.Arn",
// shown in plans as "known after apply". A string that interpolates an Unknown (through
// Fn::Sub or Fn::Join) is itself Unknown, and says so in its description.
//
// Numbers keep their source text, so "5", "5.0" and "05" stay distinct, as CloudFormation
// keeps them. Maps keep insertion order.

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>
#include "base/mark.h"

namespace sf {

class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kList, kMap, kUnknown };
  using Member = std::pair<std::string, Value>;

  Value() = default;
  static Value Bool(bool value);
  static Value Number(std::string text);
  static Value String(std::string text);
  static Value List(std::vector<Value> items = {});
  static Value Map(std::vector<Member> members = {});
  static Value Unknown(std::string description);

  Kind kind() const { return kind_; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsString() const { return kind_ == Kind::kString; }
  bool IsList() const { return kind_ == Kind::kList; }
  bool IsMap() const { return kind_ == Kind::kMap; }
  bool IsUnknown() const { return kind_ == Kind::kUnknown; }
  // True when neither this value nor anything inside it is Unknown.
  bool IsFullyKnown() const;

  bool boolean() const { return bool_; }
  // Strings, numbers (their text), bools ("true"/"false") and Unknowns (the description).
  const std::string& text() const { return text_; }
  // The text of a scalar as CloudFormation would stringify it ("" for lists and maps).
  std::string AsString() const;

  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }
  const Value* Find(const std::string& key) const;
  void Set(std::string key, Value value);

  // Unknowns become the string "(known after apply: <description>)".
  nlohmann::json ToJson() const;
  // Unknowns become {"$unknown": "<description>"}; FromTaggedJson reverses it exactly.
  nlohmann::json ToTaggedJson() const;
  static Value FromTaggedJson(const nlohmann::json& json);
  // Tagged JSON (anywhere inside a larger document) made readable for people and jq: numbers
  // become JSON numbers (kept as strings when JSON cannot hold their text exactly) and maps
  // objects; Unknowns stay {"$unknown": "..."}. Not reversible: for display only.
  static nlohmann::json ReadableTaggedJson(const nlohmann::json& json);

  // Structural equality; map order does not matter, number text does ("1" != "1.0").
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

  // Where in its file the value came from (the node, or the intrinsic that produced it).
  // Not part of equality.
  const Mark& origin() const { return origin_; }
  Value& set_origin(Mark origin) {
    origin_ = origin;
    return *this;
  }

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
  Mark origin_;
};

}  // namespace sf
