// Structured log: one JSON object per line ({"lvl","ev",...fields}), kept in a small ring for the
// status page and handed to the platform's sink (Serial on the device, stderr on the host).
// Plain C++17: no Arduino.h.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace spms {

enum class Level { debug, info, warn, error };

const char* levelName(Level l);

/** A field's value is kept as text; `raw` marks numbers and booleans (written without quotes). */
struct Field {
  std::string key;
  std::string value;
  bool raw = false;
  Field(const char* k, std::string v) : key(k), value(std::move(v)) {}
  Field(const char* k, const char* v) : key(k), value(v ? v : "") {}
  Field(const char* k, long long v) : key(k), value(std::to_string(v)), raw(true) {}
  Field(const char* k, int v) : key(k), value(std::to_string(v)), raw(true) {}
  Field(const char* k, unsigned v) : key(k), value(std::to_string(v)), raw(true) {}
  Field(const char* k, unsigned long v) : key(k), value(std::to_string(v)), raw(true) {}
  Field(const char* k, unsigned long long v) : key(k), value(std::to_string(v)), raw(true) {}
  Field(const char* k, bool v) : key(k), value(v ? "true" : "false"), raw(true) {}
};

class Logger {
 public:
  using Sink = std::function<void(Level, const std::string& line)>;
  explicit Logger(size_t keep = 40) : keep_(keep) {}
  void setSink(Sink s) {
    std::lock_guard<std::mutex> g(m_);
    sink_ = std::move(s);
  }
  void setMinLevel(Level l) { min_ = l; }
  /** Logs `ev` with its fields; returns the line written. */
  std::string log(Level lvl, const char* ev, std::initializer_list<Field> fields = {});
  /** The most recent lines, oldest first. */
  std::vector<std::string> recent() const;
  /** How many lines of at least `lvl` were logged since start (the tests count warnings). */
  unsigned count(Level lvl) const;

 private:
  mutable std::mutex m_;
  Sink sink_;
  Level min_ = Level::debug;
  size_t keep_;
  std::vector<std::string> ring_;
  size_t next_ = 0;
  unsigned counts_[4] = {0, 0, 0, 0};
};

}  // namespace spms
