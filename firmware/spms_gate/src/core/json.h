// A small strict JSON parser (RFC 8259) for the server's answers, and quoting for what the gate
// writes. Bounded: depth, size and element counts are capped so a hostile or broken answer can't
// exhaust the heap. Truncated input is an error, never a partial value.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace spms {

class Json {
 public:
  enum class Type { null, boolean, number, string, array, object };

  Type type() const { return type_; }
  bool isNull() const { return type_ == Type::null; }
  bool isString() const { return type_ == Type::string; }
  bool isNumber() const { return type_ == Type::number; }
  bool isBool() const { return type_ == Type::boolean; }
  bool isArray() const { return type_ == Type::array; }
  bool isObject() const { return type_ == Type::object; }

  const std::string& str() const { return s_; }
  double num() const { return n_; }
  bool boolean() const { return b_; }
  const std::vector<Json>& items() const { return arr_; }
  const std::vector<std::pair<std::string, Json>>& members() const { return obj_; }

  /** The member `key` of an object, or nullptr (also for non-objects). */
  const Json* get(const char* key) const;
  /** The member as a string, or `fallback` when absent or not a string. */
  std::string getString(const char* key, const std::string& fallback = "") const;
  /** The member as a number, or `fallback` when absent or not a number. */
  double getNumber(const char* key, double fallback = 0) const;

 private:
  friend class JsonParser;
  Type type_ = Type::null;
  bool b_ = false;
  double n_ = 0;
  std::string s_;
  std::vector<Json> arr_;
  std::vector<std::pair<std::string, Json>> obj_;
};

struct JsonLimits {
  size_t maxDepth = 12;
  size_t maxElements = 2000;  // values in total
  size_t maxStringBytes = 8192;
};

/**
 * Parses `len` bytes as exactly one JSON value (whitespace around it allowed).
 * @returns false with `error` set ("unexpected end", "bad escape at 12", …) on any flaw.
 */
bool parseJson(const char* data, size_t len, Json& out, std::string* error = nullptr, const JsonLimits& limits = {});
inline bool parseJson(const std::string& s, Json& out, std::string* error = nullptr) { return parseJson(s.data(), s.size(), out, error); }

/** `s` as a JSON string literal, quotes included (control characters escaped). */
std::string jsonQuote(const std::string& s);

}  // namespace spms
