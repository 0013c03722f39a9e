// Bounded queues: the offline capture ring (JPEGs waiting for the server, replayed with their
// original ids) and the history rings the local page shows. Thread-safe where two tasks share them.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "memory.h"
#include "protocol.h"

namespace spms {

struct QueuedCapture {
  std::string id;      // the gate's capture id (Idempotency-Key), fixed at capture
  uint64_t monoMs = 0; // when it was taken, on the monotonic clock
  int64_t wallMs = 0;  // when it was taken, epoch ms (0: the clock was not set yet)
  Bytes jpeg;
  unsigned attempts = 0;
  std::string plateHint;  // from an optional local identifier (the host simulator's), for the offline policy
};

/**
 * Captures waiting for the server, oldest first, bounded by count and bytes. When full, the
 * oldest is dropped (and counted, and logged by the caller): the car at the barrier now matters
 * more than one that has long gone.
 */
class CaptureRing {
 public:
  CaptureRing(size_t maxItems, size_t maxBytes) : maxItems_(maxItems), maxBytes_(maxBytes) {}
  /** Adds a capture; captures evicted to make room are returned (their ids, for the log). */
  std::vector<std::string> push(QueuedCapture&& c);
  /** Copies out the capture to send next: `preferId` if still queued (the car waiting now), else the oldest. */
  bool next(QueuedCapture& out, const std::string& preferId = "");
  /** Removes the capture `id` (answered, or refused for good). */
  bool remove(const std::string& id);
  /** Counts an attempt at `id`. */
  void attempted(const std::string& id);
  /** Fills in wall times once the clock is set: wall = now_wall - (now_mono - mono). */
  void backfillWall(uint64_t nowMono, int64_t nowWall);
  bool contains(const std::string& id) const;
  size_t size() const;
  size_t bytes() const;
  size_t dropped() const;
  std::vector<std::string> ids() const;

 private:
  mutable std::mutex m_;
  std::vector<QueuedCapture> q_;
  size_t maxItems_, maxBytes_, bytes_ = 0, dropped_ = 0;
};

/** A fixed-capacity ring of the last N values, newest last. */
template <class T>
class History {
 public:
  explicit History(size_t cap) : cap_(cap) {}
  void add(const T& v) {
    std::lock_guard<std::mutex> g(m_);
    if (items_.size() < cap_) items_.push_back(v);
    else { items_[next_] = v; next_ = (next_ + 1) % cap_; }
  }
  /** Oldest first. */
  std::vector<T> items() const {
    std::lock_guard<std::mutex> g(m_);
    if (items_.size() < cap_) return items_;
    std::vector<T> out;
    for (size_t i = 0; i < cap_; i++) out.push_back(items_[(next_ + i) % cap_]);
    return out;
  }
  size_t size() const {
    std::lock_guard<std::mutex> g(m_);
    return items_.size();
  }

 private:
  mutable std::mutex m_;
  size_t cap_;
  std::vector<T> items_;
  size_t next_ = 0;
};

/** One decision, for the page's "last decisions" and the parking history of valid plates. */
struct DecisionRecord {
  int64_t wallMs = 0;  // when the capture was taken
  std::string captureId, serverCaptureId, plate, reason, display;
  Decision decision = Decision::hold;
  bool acted = false;  // moved the barrier (a late answer for a car gone doesn't)
};

}  // namespace spms
