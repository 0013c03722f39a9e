// The gate, wired: three loops over the hardware layer, each a plain step function the platform
// runs in its own task (FreeRTOS on the ESP32, std::thread on the host):
//  - control (every ~10 ms, the task watchdog's): sensor → state machine → barrier, photos into
//    the capture ring; never waits on the network;
//  - net: sends queued captures (the waiting car's first, then the oldest), heartbeats, OTA;
//  - commands: the long poll for operator commands, each run once and acknowledged.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "../core/backoff.h"
#include "../core/gate.h"
#include "../core/http.h"
#include "../core/log.h"
#include "../core/persist.h"
#include "../core/rings.h"
#include "../core/sensor.h"
#include "../core/settings.h"
#include "../core/status.h"
#include "../hal/hal.h"

namespace spms {

struct Platform {
  hal::Clock& clock;
  hal::Kv& kv;
  hal::Transport& netTransport;
  hal::Transport& commandTransport;
  hal::Camera& camera;
  hal::VehicleSensor& sensor;
  hal::Barrier& barrier;
  hal::OtaWriter& ota;
  hal::System& system;
  hal::Network& network;
  Logger& log;
  /** A plate named by something at the gate other than the server (the host simulator; none on the board). */
  std::function<std::string()> plateHint;
};

struct AppLimits {
  size_t ringItems = 40;
  size_t ringBytes = 1536 * 1024;  // PSRAM budget for queued JPEGs
  uint32_t heartbeatMs = 30000;
  uint32_t otaEveryMs = 6 * 3600 * 1000;
  uint32_t stuckTaskMs = 120000;   // a net or command loop silent this long: restart
  unsigned longPollSeconds = 25;
  uint16_t streamPort = 81;
};

class GateApp {
 public:
  GateApp(Platform& p, const char* firmwareVersion, bool devBuild, const AppLimits& limits = {});
  /** Loads the settings and the persistent state. @returns whether the gate is provisioned. */
  bool begin();
  void controlStep();
  /** One round of the net loop; returns how long to wait before the next. */
  uint32_t netStep();
  /** One long poll and its acknowledgements; returns how long to wait before the next. */
  uint32_t commandStep();

  void applySettings(const Settings& s);
  Settings settings() const;
  bool provisioned() const { return provisioned_; }
  Console& console() { return console_; }
  StatusSnapshot status() const;
  /** For the stream and /capture: a frame under the camera lock (the control task takes photos too). */
  bool withFrame(const std::function<void(const hal::Frame&)>& use);
  CaptureRing& ring() { return ring_; }
  GateMachine& gate() { return gate_; }
  bool restartPending() const { return restartWhenIdle_; }

 private:
  void takePhoto(uint64_t now);
  void record(const std::string& id, const CaptureAnswer& a, int64_t wallMs, bool acted);
  void logEvents();
  bool sendCapture(uint64_t now, bool& attempted);
  void heartbeat(uint64_t now);
  void sleepBeating(uint32_t ms, std::atomic<uint64_t>& beat);

  Platform& p_;
  std::string firmware_;
  bool dev_;
  AppLimits limits_;
  mutable std::mutex settingsM_;
  Settings settings_;
  std::atomic<bool> provisioned_{false};
  std::atomic<bool> controlReconfigure_{false}, sendReset_{false}, cmdReset_{false};
  std::vector<std::string> problems_;
  Console console_;

  // control
  VehicleDetector detector_;
  GateMachine gate_;
  bool barrierOpen_ = false, chattering_ = false, lastSensed_ = false;
  std::mutex cameraM_;
  CaptureIds ids_;
  CommandLedger ledger_;
  PermitCache permits_;
  CaptureRing ring_;
  std::mutex liveM_;
  std::string liveId_;  // the capture the car at the barrier waits for

  // net → control
  struct DecisionMsg {
    std::string id;
    CaptureAnswer answer;
    int64_t wallMs;
  };
  std::mutex inboxM_;
  std::vector<DecisionMsg> decisions_;
  std::vector<Command> commands_;
  std::atomic<unsigned> commandsRun_{0};

  // net
  HttpClient netHttp_, cmdHttp_;
  Backoff sendBackoff_, wifiBackoff_, cmdBackoff_;
  uint64_t lastContactMono_ = 0, lastHeartbeat_ = 0, lastOta_ = 0;
  std::atomic<int64_t> lastContactWall_{0};
  std::atomic<bool> reachable_{false};
  std::atomic<unsigned> posted_{0}, decided_{0}, retries_{0}, replayed_{0};
  bool clockWarned_ = false, wifiWasUp_ = false;
  std::vector<std::string> pendingAcks_;
  std::atomic<bool> restartWhenIdle_{false};

  // what the control loop last saw, for the other tasks
  std::atomic<int> g_state{0};
  std::atomic<bool> g_open{false}, g_sensed{false}, g_chatter{false}, g_idle{true};

  // liveness of the two network loops, checked by the control loop
  std::atomic<uint64_t> netBeat_{0}, cmdBeat_{0};

  History<DecisionRecord> decisionsSeen_{20};
  History<DecisionRecord> plates_{50};
};

}  // namespace spms
