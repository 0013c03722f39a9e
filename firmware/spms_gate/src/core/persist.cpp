#include "persist.h"

#include <cstdio>
#include <cstdlib>

namespace spms {

bool CaptureIds::begin() {
  std::lock_guard<std::mutex> g(m_);
  if (!kv_.getString("cap_epoch", epoch_) || epoch_.size() != 8) {
    char b[12];
    std::snprintf(b, sizeof b, "%08x", static_cast<unsigned>(sys_.random32()));
    epoch_ = b;
    if (!kv_.setString("cap_epoch", epoch_)) return false;
    kv_.setU32("cap_next", 0);
    if (!kv_.commit()) return false;
  }
  uint32_t next = 0;
  kv_.getU32("cap_next", next);
  seq_ = next;
  reservedUntil_ = next;  // nothing reserved by this boot yet
  return true;
}

std::string CaptureIds::next() {
  std::lock_guard<std::mutex> g(m_);
  if (epoch_.empty()) return "";
  if (seq_ >= reservedUntil_) {
    uint32_t until = seq_ + kBlock;
    if (!kv_.setU32("cap_next", until) || !kv_.commit()) return "";
    reservedUntil_ = until;
  }
  return epoch_ + "-" + std::to_string(seq_++);
}

static std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    size_t e = s.find(sep, pos);
    if (e == std::string::npos) e = s.size();
    if (e > pos) out.push_back(s.substr(pos, e - pos));
    pos = e + 1;
  }
  return out;
}

void CommandLedger::begin() {
  std::string s;
  if (kv_.getString("cmd_done", s)) ids_ = split(s, ',');
}

bool CommandLedger::ran(const std::string& id) const {
  for (const auto& i : ids_)
    if (i == id) return true;
  return false;
}

void CommandLedger::record(const std::string& id) {
  if (ran(id)) return;
  ids_.push_back(id);
  while (ids_.size() > keep_) ids_.erase(ids_.begin());
  std::string s;
  for (const auto& i : ids_) s += (s.empty() ? "" : ",") + i;
  kv_.setString("cmd_done", s);
  kv_.commit();
}

void PermitCache::begin() {
  std::lock_guard<std::mutex> g(m_);
  std::string s;
  if (!kv_.getString("permits", s)) return;
  for (const auto& item : split(s, ',')) {
    size_t at = item.find('@');
    if (at == std::string::npos) continue;
    entries_.emplace_back(item.substr(0, at), std::strtoll(item.c_str() + at + 1, nullptr, 10));
  }
}

void PermitCache::remember(const std::string& plate, int64_t atMs) {
  if (plate.empty() || plate.find_first_of(",@") != std::string::npos) return;
  std::lock_guard<std::mutex> g(m_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == plate) {
      entries_.erase(it);
      break;
    }
  }
  entries_.emplace_back(plate, atMs);
  while (entries_.size() > cap_) entries_.erase(entries_.begin());
  save();
}

bool PermitCache::allows(const std::string& plate, int64_t nowMs, int64_t ttlMs) const {
  if (plate.empty()) return false;
  std::lock_guard<std::mutex> g(m_);
  for (const auto& e : entries_)
    if (e.first == plate) return nowMs - e.second <= ttlMs;
  return false;
}

void PermitCache::save() {
  std::string s;
  for (const auto& e : entries_) s += (s.empty() ? "" : ",") + e.first + "@" + std::to_string(e.second);
  kv_.setString("permits", s);
  kv_.commit();
}

}  // namespace spms
