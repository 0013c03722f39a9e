#include "sensor.h"

namespace spms {

void VehicleDetector::sample(int raw, uint64_t now) {
  bool vehicle;      // counts towards a capture
  bool blocks;       // forbids closing
  if (c_.kind == SensorKind::irBeam) {
    vehicle = blocks = raw != 0;
  } else if (raw < 0) {
    vehicle = false;
    blocks = true;
  } else {
    near_ = near_ ? raw <= c_.nearCm + c_.hysteresisCm : raw < c_.nearCm;
    vehicle = blocks = near_;
  }
  if (blocks) {
    lastSeen_ = now;
    seenEver_ = true;
  }
  if (now - windowStart_ >= c_.chatterWindowMs) {
    prevWindowFlips_ = flips_;
    flips_ = 0;
    windowStart_ = now;
  }
  if (vehicle != lastRaw_) {
    flips_++;
    lastRaw_ = vehicle;
    rawSince_ = now;
  }
  chattering_ = flips_ > c_.chatterFlips || prevWindowFlips_ > c_.chatterFlips;
  if (vehicle && !present_ && now - rawSince_ >= c_.presentMs) present_ = true;
  // gone only when nothing at all (not even a blocking no-echo) was seen for absentMs
  if (present_ && !vehicle && !sensed(now)) present_ = false;
}

}  // namespace spms
