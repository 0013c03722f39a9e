#include "rings.h"

namespace spms {

std::vector<std::string> CaptureRing::push(QueuedCapture&& c) {
  std::lock_guard<std::mutex> g(m_);
  std::vector<std::string> evicted;
  if (c.jpeg.size() > maxBytes_) {  // can't ever fit: don't empty the queue for it
    evicted.push_back(c.id);
    dropped_++;
    return evicted;
  }
  while (!q_.empty() && (q_.size() >= maxItems_ || bytes_ + c.jpeg.size() > maxBytes_)) {
    evicted.push_back(q_.front().id);
    bytes_ -= q_.front().jpeg.size();
    q_.erase(q_.begin());
    dropped_++;
  }
  bytes_ += c.jpeg.size();
  q_.push_back(std::move(c));
  return evicted;
}

bool CaptureRing::next(QueuedCapture& out, const std::string& preferId) {
  std::lock_guard<std::mutex> g(m_);
  if (q_.empty()) return false;
  const QueuedCapture* pick = &q_.front();
  if (!preferId.empty())
    for (const auto& c : q_)
      if (c.id == preferId) pick = &c;
  out = *pick;
  return true;
}

bool CaptureRing::remove(const std::string& id) {
  std::lock_guard<std::mutex> g(m_);
  for (auto it = q_.begin(); it != q_.end(); ++it) {
    if (it->id == id) {
      bytes_ -= it->jpeg.size();
      q_.erase(it);
      return true;
    }
  }
  return false;
}

void CaptureRing::attempted(const std::string& id) {
  std::lock_guard<std::mutex> g(m_);
  for (auto& c : q_)
    if (c.id == id) c.attempts++;
}

void CaptureRing::backfillWall(uint64_t nowMono, int64_t nowWall) {
  std::lock_guard<std::mutex> g(m_);
  for (auto& c : q_)
    if (c.wallMs == 0) c.wallMs = nowWall - static_cast<int64_t>(nowMono - c.monoMs);
}

bool CaptureRing::contains(const std::string& id) const {
  std::lock_guard<std::mutex> g(m_);
  for (const auto& c : q_)
    if (c.id == id) return true;
  return false;
}

size_t CaptureRing::size() const {
  std::lock_guard<std::mutex> g(m_);
  return q_.size();
}
size_t CaptureRing::bytes() const {
  std::lock_guard<std::mutex> g(m_);
  return bytes_;
}
size_t CaptureRing::dropped() const {
  std::lock_guard<std::mutex> g(m_);
  return dropped_;
}
std::vector<std::string> CaptureRing::ids() const {
  std::lock_guard<std::mutex> g(m_);
  std::vector<std::string> out;
  for (const auto& c : q_) out.push_back(c.id);
  return out;
}

}  // namespace spms
