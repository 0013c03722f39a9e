#include "log.h"
#include "json.h"

namespace spms {

const char* levelName(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "?";
}

std::string Logger::log(Level lvl, const char* ev, std::initializer_list<Field> fields) {
  std::string line = "{\"lvl\":\"";
  line += levelName(lvl);
  line += "\",\"ev\":";
  line += jsonQuote(ev);
  for (const Field& f : fields) {
    line += ',';
    line += jsonQuote(f.key);
    line += ':';
    line += f.raw ? f.value : jsonQuote(f.value);
  }
  line += '}';
  Sink sink;
  {
    std::lock_guard<std::mutex> g(m_);
    counts_[static_cast<int>(lvl)]++;
    if (lvl < min_) return line;
    if (ring_.size() < keep_) {
      ring_.push_back(line);
    } else {
      ring_[next_] = line;
      next_ = (next_ + 1) % keep_;
    }
    sink = sink_;
  }
  if (sink) sink(lvl, line);
  return line;
}

std::vector<std::string> Logger::recent() const {
  std::lock_guard<std::mutex> g(m_);
  std::vector<std::string> out;
  if (ring_.size() < keep_) return ring_;
  for (size_t i = 0; i < keep_; i++) out.push_back(ring_[(next_ + i) % keep_]);
  return out;
}

unsigned Logger::count(Level lvl) const {
  std::lock_guard<std::mutex> g(m_);
  unsigned n = 0;
  for (int i = static_cast<int>(lvl); i < 4; i++) n += counts_[i];
  return n;
}

}  // namespace spms
