// What the gate keeps in NVS between reboots: its capture id sequence, the commands it already
// ran, and the permit plates the server confirmed (for the offline policy).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "../hal/hal.h"

namespace spms {

/**
 * Capture ids "<epoch>-<seq>": `epoch` is 8 random hex digits made once per NVS (so an erased or
 * replaced board can't reuse the ids of captures the server already answered), `seq` counts up
 * and survives reboots. Flash is spared by reserving blocks: NVS holds the first number not yet
 * handed out in a reserved block, written before any id of the block is used, so a reboot skips
 * the rest of the block instead of repeating an id.
 */
class CaptureIds {
 public:
  static constexpr uint32_t kBlock = 32;
  CaptureIds(hal::Kv& kv, hal::System& sys) : kv_(kv), sys_(sys) {}
  /** Reads (or creates) the epoch and the next block. @returns false when NVS can't be written. */
  bool begin();
  /** The next id, or "" when NVS refused the reservation (no id is better than a repeated one). */
  std::string next();
  const std::string& epoch() const { return epoch_; }

 private:
  hal::Kv& kv_;
  hal::System& sys_;
  std::mutex m_;
  std::string epoch_;
  uint32_t seq_ = 0, reservedUntil_ = 0;
};

/** The ids of the last commands the gate ran (each runs once, even across a reboot before its ack). */
class CommandLedger {
 public:
  explicit CommandLedger(hal::Kv& kv, size_t keep = 8) : kv_(kv), keep_(keep) {}
  void begin();
  bool ran(const std::string& id) const;
  void record(const std::string& id);

 private:
  hal::Kv& kv_;
  size_t keep_;
  std::vector<std::string> ids_;
};

/**
 * Plates the server let in on a permit, with when it last did: the `permits` offline policy
 * opens for them (when something at the gate can name the plate) for `ttlMs` after.
 */
class PermitCache {
 public:
  PermitCache(hal::Kv& kv, size_t cap = 64) : kv_(kv), cap_(cap) {}
  void begin();
  void remember(const std::string& plate, int64_t atMs);
  bool allows(const std::string& plate, int64_t nowMs, int64_t ttlMs) const;
  size_t size() const {
    std::lock_guard<std::mutex> g(m_);
    return entries_.size();
  }

 private:
  void save();
  mutable std::mutex m_;  // the net task remembers, the control task asks
  hal::Kv& kv_;
  size_t cap_;
  std::vector<std::pair<std::string, int64_t>> entries_;
};

}  // namespace spms
