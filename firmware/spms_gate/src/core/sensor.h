// The vehicle sensor, debounced. Two answers, for two uses:
//  - present(): a vehicle has been seen steadily (presentMs) and not yet steadily gone (absentMs):
//    what triggers a capture, so a chattering sensor makes one capture, not twenty;
//  - sensed(): anything seen within the last absentMs: what forbids closing the barrier. It is
//    the conservative one: a single sample of a vehicle blocks the barrier.
#pragma once
#include <cstdint>

namespace spms {

enum class SensorKind { irBeam, ultrasonic };

struct SensorConfig {
  SensorKind kind = SensorKind::irBeam;
  uint32_t presentMs = 150;
  uint32_t absentMs = 700;
  int nearCm = 150;          // ultrasonic: closer than this is a vehicle
  int hysteresisCm = 20;     // …and it stays one until farther than nearCm + this
  uint32_t chatterWindowMs = 2000;
  unsigned chatterFlips = 10;  // more raw changes than this in the window: the sensor chatters
};

class VehicleDetector {
 public:
  explicit VehicleDetector(const SensorConfig& c = {}) : c_(c) {}
  void configure(const SensorConfig& c) { c_ = c; }
  /**
   * One raw reading (IR: 1 beam broken / 0 clear; ultrasonic: cm, -1 no echo). An ultrasonic
   * "no echo" can be a vehicle's slanted bonnet: it blocks closing but never triggers a capture.
   */
  void sample(int raw, uint64_t now);
  bool present() const { return present_; }
  bool sensed(uint64_t now) const { return seenEver_ && now - lastSeen_ < c_.absentMs; }
  /** Whether the raw signal changes too often to be a vehicle (a loose wire, rain on the lens). */
  bool chattering() const { return chattering_; }
  unsigned flipsInWindow() const { return flips_; }

 private:
  SensorConfig c_;
  bool present_ = false, lastRaw_ = false, near_ = false, seenEver_ = false, chattering_ = false;
  uint64_t rawSince_ = 0, lastSeen_ = 0, windowStart_ = 0;
  unsigned flips_ = 0, prevWindowFlips_ = 0;
};

}  // namespace spms
