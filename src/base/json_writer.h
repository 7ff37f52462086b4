#pragma once
// Appends JSON text to a string without building a document: for responses on hot paths
// (GetRecords, PutRecords). The caller keeps the structure balanced; the writer inserts commas
// and escapes strings (RFC 8259; control characters as \u00XX, UTF-8 passed through).

#include <cstdint>
#include <string>
#include <string_view>

namespace sf {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // A member name; the next value call writes its value.
  JsonWriter& Key(std::string_view name);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& UInt(uint64_t value);
  JsonWriter& Double(double value);  // shortest round-trip form
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Already-encoded JSON (a number's text, a nested document).
  JsonWriter& Raw(std::string_view json);
  // A string the caller knows needs no escaping (digits, base64, ids made of [A-Za-z0-9-_]):
  // written without the escaping scan, for hot paths.
  JsonWriter& UncheckedString(std::string_view value);
  // The base64 encoding of `bytes`, as a string, encoded straight into the output.
  JsonWriter& Base64String(std::string_view bytes);

  // Shorthands for a member.
  JsonWriter& Member(std::string_view name, std::string_view value) {
    return Key(name).String(value);
  }
  JsonWriter& Member(std::string_view name, int64_t value) { return Key(name).Int(value); }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();

  std::string& out_;
  bool need_comma_ = false;
};

// `text` as a JSON string literal, quotes included.
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace sf
