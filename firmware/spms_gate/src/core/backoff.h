// Exponential backoff with jitter, for Wi-Fi reconnects and server retries. The random source is
// injected so tests are deterministic; a server's Retry-After is honoured when longer.
#pragma once
#include <cstdint>
#include <functional>

namespace spms {

class Backoff {
 public:
  /**
   * @param baseMs first delay; each failure doubles it up to `maxMs`
   * @param jitter fraction (0..1) of the delay randomised either way, so a fleet doesn't retry in step
   */
  Backoff(uint32_t baseMs, uint32_t maxMs, double jitter = 0.2, std::function<uint32_t()> rng = nullptr)
      : base_(baseMs), max_(maxMs), jitter_(jitter), rng_(std::move(rng)) {}

  /** A failure at `now`: returns the delay before the next attempt. */
  uint32_t fail(uint64_t now, uint32_t retryAfterMs = 0) {
    uint64_t d = static_cast<uint64_t>(base_) << (failures_ < 20 ? failures_ : 20);
    if (d > max_) d = max_;
    if (jitter_ > 0 && rng_) {
      double span = d * jitter_;
      double r = (rng_() % 10001) / 10000.0;  // 0..1
      d = static_cast<uint64_t>(d - span + 2 * span * r);
    }
    if (retryAfterMs > d) d = retryAfterMs;
    failures_++;
    next_ = now + d;
    return static_cast<uint32_t>(d);
  }
  void reset() {
    failures_ = 0;
    next_ = 0;
  }
  bool ready(uint64_t now) const { return now >= next_; }
  uint64_t nextAt() const { return next_; }
  unsigned failures() const { return failures_; }

 private:
  uint32_t base_, max_;
  double jitter_;
  std::function<uint32_t()> rng_;
  unsigned failures_ = 0;
  uint64_t next_ = 0;
};

}  // namespace spms
