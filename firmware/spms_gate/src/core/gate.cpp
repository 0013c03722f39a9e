#include "gate.h"

namespace spms {

const char* offlinePolicyName(OfflinePolicy p) {
  switch (p) {
    case OfflinePolicy::hold: return "hold";
    case OfflinePolicy::permits: return "permits";
    case OfflinePolicy::open: return "open";
  }
  return "?";
}

bool parseOfflinePolicy(const std::string& s, OfflinePolicy& out) {
  if (s == "hold") out = OfflinePolicy::hold;
  else if (s == "permits") out = OfflinePolicy::permits;
  else if (s == "open") out = OfflinePolicy::open;
  else return false;
  return true;
}

const char* gateStateName(GateState s) {
  switch (s) {
    case GateState::idle: return "idle";
    case GateState::waiting: return "waiting";
    case GateState::open: return "open";
    case GateState::closing: return "closing";
    case GateState::held: return "held";
    case GateState::denied: return "denied";
    case GateState::fault: return "fault";
  }
  return "?";
}

void GateMachine::begin(bool sensed, uint64_t now) {
  sensed_ = sensed;
  if (sensed) {
    // something under the barrier at boot: it may be up already; keep it up until clear
    state_ = GateState::open;
    open_ = true;
    vehicleSeenOpen_ = true;
    lastSensed_ = since_ = now;
    armed_ = false;
    emit(Level::warn, "boot_vehicle_sensed");
  } else {
    state_ = GateState::idle;
    open_ = false;
  }
}

void GateMachine::vehicle(bool present, bool sensed, uint64_t now) {
  present_ = present;
  sensed_ = sensed;
  if (sensed) lastSensed_ = now;
}

bool GateMachine::takeCaptureRequest() {
  bool w = captureWanted_;
  captureWanted_ = false;
  return w;
}

void GateMachine::toIdle() {
  state_ = GateState::idle;
  waitingId_.clear();
  plateHint_.clear();
  offline_ = false;
  closeWanted_ = false;
}

void GateMachine::raise(const char* why, uint64_t now) {
  state_ = GateState::open;
  open_ = true;
  since_ = now;
  vehicleSeenOpen_ = sensed_;
  alarmed_ = false;
  closeWanted_ = false;
  emit(Level::info, "barrier_open", why);
}

bool GateMachine::close(const char* why, uint64_t now) {
  if (sensed_) {
    emit(Level::warn, "close_refused_vehicle_sensed", why);
    return false;
  }
  state_ = GateState::closing;
  open_ = false;
  since_ = now;
  emit(Level::info, "barrier_close", why);
  return true;
}

void GateMachine::captureQueued(const std::string& id, const std::string& plateHint, uint64_t now) {
  if (state_ != GateState::waiting) return;
  waitingId_ = id;
  plateHint_ = plateHint;
  since_ = now;
  emit(Level::info, "capture_queued");
}

void GateMachine::captureFailed(const std::string& why, uint64_t now) {
  if (state_ != GateState::waiting) return;
  state_ = GateState::held;
  since_ = now;
  emit(Level::error, "capture_failed", why);
}

void GateMachine::applyOffline(uint64_t now) {
  offline_ = true;
  bool open = policy_ == OfflinePolicy::open || (policy_ == OfflinePolicy::permits && permitCheck && permitCheck(plateHint_));
  emit(Level::warn, "offline_policy", std::string(offlinePolicyName(policy_)) + (open ? ": open" : ": hold"));
  if (open) {
    raise("offline_policy", now);
  } else {
    state_ = GateState::held;
    since_ = now;
  }
}

bool GateMachine::decision(const std::string& id, Decision d, const std::string& reason, uint64_t now) {
  bool forWaiting = !id.empty() && id == waitingId_;
  if (forWaiting && (state_ == GateState::waiting || (state_ == GateState::held && offline_))) {
    // the car is still there waiting (also after the offline policy held it): act on it
    offline_ = false;
    if (d == Decision::open) {
      raise(reason.c_str(), now);
    } else {
      state_ = d == Decision::deny ? GateState::denied : GateState::held;
      since_ = now;
      emit(Level::info, d == Decision::deny ? "denied" : "held", reason);
    }
    return true;
  }
  if (forWaiting && state_ == GateState::open && offline_ && d != Decision::open) {
    emit(Level::warn, "offline_open_contradicted", reason);  // let through offline; the server said otherwise
  } else {
    Level l = Level::info;
    events_.push_back({l, "decision_not_acted", id, std::string(decisionName(d)) + " " + reason});
  }
  return false;
}

void GateMachine::command(bool open, const std::string& commandId, uint64_t now) {
  if (open) {
    raise(("command " + commandId).c_str(), now);
    return;
  }
  if (state_ == GateState::open || state_ == GateState::fault || open_) {
    if (!close(("command " + commandId).c_str(), now)) {
      closeWanted_ = true;  // down as soon as the lane is clear
      if (state_ != GateState::open) state_ = GateState::open;
    }
  } else if (state_ == GateState::held || state_ == GateState::denied || state_ == GateState::waiting) {
    toIdle();  // the operator dismissed the waiting car
    armed_ = !sensed_;
    emit(Level::info, "dismissed", commandId);
  }
}

void GateMachine::tick(uint64_t now) {
  if (!sensed_ && state_ != GateState::waiting && state_ != GateState::held && state_ != GateState::denied) armed_ = true;
  switch (state_) {
    case GateState::idle:
      if (present_ && armed_) {
        armed_ = false;
        captureWanted_ = true;
        state_ = GateState::waiting;
        waitingId_.clear();
        since_ = now;
        emit(Level::info, "vehicle_arrived");
      }
      break;
    case GateState::waiting:
      if (!present_ && !sensed_) {
        emit(Level::info, "vehicle_left_before_decision");
        toIdle();
        armed_ = true;
      } else if (now - since_ >= t_.decisionWaitMs && !waitingId_.empty()) {
        applyOffline(now);
      }
      break;
    case GateState::open:
      if (sensed_) {
        vehicleSeenOpen_ = true;
        if (!alarmed_ && now - since_ >= t_.vehicleUnderBarrierAlarmMs) {
          alarmed_ = true;
          emit(Level::error, "open_timeout_vehicle_sensed", "barrier stays up while the vehicle is sensed");
        }
      } else if (closeWanted_) {
        close("command (deferred)", now);
      } else if (vehicleSeenOpen_ && now - lastSensed_ >= t_.clearMs) {
        close("vehicle_passed", now);
      } else if (!vehicleSeenOpen_ && now - since_ >= t_.openNoVehicleMs) {
        close("open_timeout_no_vehicle", now);
      }
      break;
    case GateState::closing:
      if (sensed_) {
        emit(Level::warn, "reopen_vehicle_sensed");
        raise("vehicle sensed while closing", now);
        vehicleSeenOpen_ = true;
      } else if (switch_ == 0 && now - since_ >= t_.closeCheckMs) {
        state_ = GateState::fault;
        since_ = now;
        emit(Level::error, "barrier_stuck_open", "the limit switch does not report closed");
      } else if (switch_ != 0 && now - since_ >= t_.moveMs) {
        toIdle();
      }
      break;
    case GateState::held:
    case GateState::denied:
      if (sensed_ || present_) {
        since_ = now;
      } else if (now - since_ >= t_.leftMs) {
        emit(Level::info, "vehicle_left");
        toIdle();
        armed_ = true;
      }
      break;
    case GateState::fault:
      open_ = false;  // keep asking for closed; a vehicle under it gets it raised by the rule below
      if (sensed_) {
        open_ = true;
      } else if (switch_ == 1) {
        emit(Level::info, "barrier_recovered");
        toIdle();
      } else if (now - since_ >= t_.closeCheckMs) {
        since_ = now;
        emit(Level::error, "barrier_stuck_open", "still not closed");
      }
      break;
  }
}

}  // namespace spms
