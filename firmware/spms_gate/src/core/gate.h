// The gate's state machine, a pure function of its inputs and the clock: vehicle sensed →
// capture → the server's decision (or the offline policy) → barrier → vehicle passed → close.
// The one rule above all: the barrier is never commanded down while the sensor sees anything
// (close() is the only way down and refuses then); a vehicle sensed while closing reopens it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "log.h"
#include "protocol.h"

namespace spms {

enum class OfflinePolicy { hold, permits, open };
const char* offlinePolicyName(OfflinePolicy p);
bool parseOfflinePolicy(const std::string& s, OfflinePolicy& out);

struct GateTimings {
  uint32_t decisionWaitMs = 8000;      // no answer by then: the offline policy decides (the capture stays queued)
  uint32_t openNoVehicleMs = 20000;    // opened and nothing came through: close
  uint32_t clearMs = 1500;             // nothing sensed for this long after the vehicle passed: close
  uint32_t vehicleUnderBarrierAlarmMs = 90000;  // sensed under the open barrier this long: alarm (it stays open)
  uint32_t moveMs = 1200;              // the servo's travel
  uint32_t closeCheckMs = 3000;        // a fitted limit switch must report closed by then
  uint32_t leftMs = 1500;              // held or denied car gone for this long: ready for the next
};

enum class GateState { idle, waiting, open, closing, held, denied, fault };
const char* gateStateName(GateState s);

struct GateEvent {
  Level level;
  std::string name;
  std::string captureId;
  std::string detail;
};

class GateMachine {
 public:
  GateMachine(const GateTimings& t = {}, OfflinePolicy p = OfflinePolicy::hold) : t_(t), policy_(p) {}
  void configure(const GateTimings& t, OfflinePolicy p) {
    t_ = t;
    policy_ = p;
  }
  /** At boot: a vehicle already under the barrier keeps it up until it has gone. */
  void begin(bool sensed, uint64_t now);

  // ------------------------------------------------------------ inputs
  /** The detector's two answers (see sensor.h), every control cycle, before tick(). */
  void vehicle(bool present, bool sensed, uint64_t now);
  /** A capture was requested: true once per arriving vehicle. */
  bool takeCaptureRequest();
  /** The photo of the waiting vehicle is queued as `id`; `plateHint` from a local identifier, if any. */
  void captureQueued(const std::string& id, const std::string& plateHint, uint64_t now);
  /** The photo could not be taken (camera, NVS): the car waits for an operator. */
  void captureFailed(const std::string& why, uint64_t now);
  /** The server's decision for the capture `id`. @returns whether it moved the barrier. */
  bool decision(const std::string& id, Decision d, const std::string& reason, uint64_t now);
  /** An operator's command (already de-duplicated by id). */
  void command(bool open, const std::string& commandId, uint64_t now);
  /** The closed-limit switch (1 closed, 0 not, -1 none fitted). */
  void closedSwitch(int s) { switch_ = s; }
  void tick(uint64_t now);
  /** Permit check for the `permits` offline policy. */
  std::function<bool(const std::string& plate)> permitCheck;

  // ------------------------------------------------------------ outputs
  bool barrierOpen() const { return open_; }
  GateState state() const { return state_; }
  const std::string& waitingFor() const { return waitingId_; }
  bool idle() const { return state_ == GateState::idle && !sensed_; }
  bool offline() const { return offline_; }
  std::vector<GateEvent> drainEvents() {
    std::vector<GateEvent> e;
    e.swap(events_);
    return e;
  }

 private:
  void emit(Level l, const char* name, const std::string& detail = "") { events_.push_back({l, name, waitingId_, detail}); }
  void raise(const char* why, uint64_t now);
  /** The only way down: refused (and logged) while anything is sensed. */
  bool close(const char* why, uint64_t now);
  void applyOffline(uint64_t now);
  void toIdle();

  GateTimings t_;
  OfflinePolicy policy_;
  GateState state_ = GateState::idle;
  bool open_ = false;
  bool present_ = false, sensed_ = false;
  bool armed_ = true;           // a new vehicle may trigger a capture (re-armed when the lane is clear)
  bool captureWanted_ = false;
  bool offline_ = false;        // the waiting capture went to the offline policy
  bool vehicleSeenOpen_ = false, alarmed_ = false, closeWanted_ = false;
  int switch_ = -1;
  uint64_t since_ = 0, lastSensed_ = 0;
  std::string waitingId_, plateHint_;
  std::vector<GateEvent> events_;
};

}  // namespace spms
