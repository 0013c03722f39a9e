#include "gate_app.h"

#include "../core/json.h"
#include "../core/ota.h"
#include "../core/protocol.h"
#include "../core/timefmt.h"

namespace spms {

GateApp::GateApp(Platform& p, const char* fw, bool dev, const AppLimits& limits)
    : p_(p),
      firmware_(fw),
      dev_(dev),
      limits_(limits),
      console_(p.kv, Settings(), dev, [&p](const std::string& line) { p.log.log(Level::info, "console", {{"out", line}}); }),
      ids_(p.kv, p.system),
      ledger_(p.kv),
      permits_(p.kv),
      ring_(limits.ringItems, limits.ringBytes),
      netHttp_(p.netTransport, p.clock, [this] { netBeat_ = p_.clock.monoMs(); }),
      cmdHttp_(p.commandTransport, p.clock, [this] { cmdBeat_ = p_.clock.monoMs(); }),
      sendBackoff_(1000, 60000, 0.2, [&p] { return p.system.random32(); }),
      wifiBackoff_(2000, 120000, 0.2, [&p] { return p.system.random32(); }),
      cmdBackoff_(1000, 60000, 0.2, [&p] { return p.system.random32(); }) {}

bool GateApp::begin() {
  Settings s;
  loadSettings(p_.kv, s);
  if (!ids_.begin()) p_.log.log(Level::error, "nvs_failed", {{"what", "capture id sequence"}});
  ledger_.begin();
  permits_.begin();
  console_.reset(s);
  console_.onSaved = [this](const Settings& saved) { applySettings(saved); };
  console_.onStatus = [this] { return statusJson(status()); };
  console_.onReboot = [this] { p_.system.restart("console"); };
  applySettings(s);
  uint64_t now = p_.clock.monoMs();
  netBeat_ = cmdBeat_ = now;
  // something under the barrier at power-up keeps it up (it may be up already) until clear
  int raw = p_.sensor.read();
  bool sensedAtBoot = s.sensor.kind == SensorKind::irBeam ? raw != 0 : (raw < 0 || raw < s.sensor.nearCm);
  gate_.begin(sensedAtBoot, now);
  gate_.permitCheck = [this](const std::string& plate) { return permits_.allows(plate, p_.clock.wallMs(), 24LL * 3600 * 1000); };
  barrierOpen_ = gate_.barrierOpen();
  p_.barrier.setOpen(barrierOpen_);
  p_.log.log(Level::info, "boot", {{"firmware", firmware_}, {"id_epoch", ids_.epoch()}, {"provisioned", provisioned_.load()}});
  return provisioned_;
}

void GateApp::applySettings(const Settings& s) {
  std::vector<std::string> problems = validate(s, dev_);
  {
    std::lock_guard<std::mutex> g(settingsM_);
    settings_ = s;
    problems_ = problems;
  }
  // the control and net tasks pick these up themselves (this may run in the console's task)
  controlReconfigure_ = true;
  sendReset_ = true;
  cmdReset_ = true;
  provisioned_ = problems.empty();
  Url u;
  if (parseUrl(s.serverUrl, u)) {
    bool insecure = dev_ && s.devInsecureTls;
    netHttp_.configure(u, s.caPem, insecure);
    cmdHttp_.configure(u, s.caPem, insecure);
  }
  if (dev_ && s.devInsecureTls) p_.log.log(Level::warn, "insecure_tls", {{"note", "DEVELOPMENT: server certificates are not checked"}});
  for (const auto& pr : problems) p_.log.log(Level::warn, "not_provisioned", {{"problem", pr}});
}

Settings GateApp::settings() const {
  std::lock_guard<std::mutex> g(settingsM_);
  return settings_;
}

// ------------------------------------------------------------------ control

bool GateApp::withFrame(const std::function<void(const hal::Frame&)>& use) {
  std::lock_guard<std::mutex> g(cameraM_);
  hal::Frame f;
  if (!p_.camera.grab(f)) return false;
  use(f);
  p_.camera.release(f);
  return true;
}

void GateApp::takePhoto(uint64_t now) {
  std::string id = ids_.next();
  if (id.empty()) {
    gate_.captureFailed("no capture id (NVS write failed)", now);
    return;
  }
  QueuedCapture c;
  c.id = id;
  c.monoMs = now;
  int64_t wall = p_.clock.wallMs();
  c.wallMs = clockIsSet(wall) ? wall : 0;
  c.plateHint = p_.plateHint ? p_.plateHint() : "";
  bool ok = false;
  try {
    ok = withFrame([&](const hal::Frame& f) {
      if (f.len >= 4 && f.data[0] == 0xFF && f.data[1] == 0xD8) c.jpeg.assign(f.data, f.data + f.len);
    });
  } catch (const std::bad_alloc&) {
    ok = false;
  }
  if (!ok || c.jpeg.empty()) {
    gate_.captureFailed(ok ? "the camera's frame is not a JPEG" : "camera capture failed", now);
    return;
  }
  size_t bytes = c.jpeg.size();
  std::string hint = c.plateHint;
  for (const auto& gone : ring_.push(std::move(c)))
    p_.log.log(Level::error, "capture_dropped", {{"id", gone}, {"why", "offline queue full"}});
  {
    std::lock_guard<std::mutex> g(liveM_);
    liveId_ = id;
  }
  p_.log.log(Level::info, "capture", {{"id", id}, {"bytes", static_cast<unsigned long>(bytes)}, {"queued", static_cast<unsigned long>(ring_.size())}});
  gate_.captureQueued(id, hint, now);
}

void GateApp::logEvents() {
  for (const auto& e : gate_.drainEvents()) p_.log.log(e.level, e.name.c_str(), {{"id", e.captureId}, {"detail", e.detail}, {"state", gateStateName(gate_.state())}});
}

void GateApp::controlStep() {
  uint64_t now = p_.clock.monoMs();
  if (controlReconfigure_.exchange(false)) {
    Settings s = settings();
    detector_.configure(s.sensor);
    gate_.configure(s.timings, s.offlinePolicy);
  }
  detector_.sample(p_.sensor.read(), now);
  bool sensed = detector_.sensed(now);
  if (detector_.chattering() != chattering_) {
    chattering_ = detector_.chattering();
    p_.log.log(chattering_ ? Level::warn : Level::info, chattering_ ? "sensor_chatter" : "sensor_steady", {{"flips", detector_.flipsInWindow()}});
  }
  if (sensed != lastSensed_) {
    lastSensed_ = sensed;
    p_.log.log(Level::debug, sensed ? "sensor_on" : "sensor_off");
  }
  gate_.vehicle(detector_.present(), sensed, now);
  gate_.closedSwitch(p_.barrier.closedSwitch());

  std::vector<DecisionMsg> decisions;
  std::vector<Command> commands;
  {
    std::lock_guard<std::mutex> g(inboxM_);
    decisions.swap(decisions_);
    commands.swap(commands_);
  }
  for (const auto& d : decisions) {
    bool acted = gate_.decision(d.id, d.answer.decision, d.answer.reason, now);
    record(d.id, d.answer, d.wallMs, acted);
  }
  for (const auto& c : commands) {
    gate_.command(c.open, c.id, now);
    commandsRun_++;
  }
  gate_.tick(now);
  if (gate_.takeCaptureRequest()) takePhoto(now);
  logEvents();

  // the barrier follows the state machine, with the sensor's veto repeated here: whatever the
  // state, a sensed vehicle never gets the barrier commanded down
  bool open = gate_.barrierOpen() || (barrierOpen_ && sensed);
  if (open != barrierOpen_) {
    barrierOpen_ = open;
    p_.barrier.setOpen(open);
    p_.log.log(Level::info, "barrier", {{"open", open}, {"state", gateStateName(gate_.state())}});
  }
  {
    // the capture to send first: the one a car at the barrier still waits for
    bool waiting = gate_.state() == GateState::waiting || (gate_.state() == GateState::held && gate_.offline());
    std::lock_guard<std::mutex> g(liveM_);
    liveId_ = waiting ? gate_.waitingFor() : std::string();
  }
  g_state = static_cast<int>(gate_.state());
  g_open = barrierOpen_;
  g_sensed = sensed;
  g_chatter = chattering_;
  g_idle = gate_.idle() && !barrierOpen_;

  if (provisioned_) {
    uint64_t nb = netBeat_, cb = cmdBeat_;
    const char* stuck = now > nb + limits_.stuckTaskMs ? "net" : now > cb + limits_.stuckTaskMs ? "commands" : nullptr;
    if (stuck && g_idle) {
      p_.log.log(Level::error, "watchdog", {{"task", stuck}, {"why", "no progress; restarting"}});
      p_.system.restart("task stuck");
    }
  }
  if (restartWhenIdle_ && g_idle) p_.system.restart("firmware updated");
  p_.system.feedWatchdog();
}

void GateApp::record(const std::string& id, const CaptureAnswer& a, int64_t wallMs, bool acted) {
  DecisionRecord r;
  r.wallMs = wallMs;
  r.captureId = id;
  r.serverCaptureId = a.serverCaptureId;
  r.plate = a.plate;
  r.reason = a.reason;
  r.display = a.display;
  r.decision = a.decision;
  r.acted = acted;
  decisionsSeen_.add(r);
  if (isValidPlateRecord(r)) plates_.add(r);
}

// ------------------------------------------------------------------ net

void GateApp::sleepBeating(uint32_t ms, std::atomic<uint64_t>& beat) {
  while (ms > 0) {
    uint32_t step = ms < 500 ? ms : 500;
    p_.clock.sleepMs(step);
    beat = p_.clock.monoMs();
    ms -= step;
  }
}

bool GateApp::sendCapture(uint64_t now, bool& attempted) {
  attempted = false;
  std::string live;
  {
    std::lock_guard<std::mutex> g(liveM_);
    live = liveId_;
  }
  QueuedCapture c;
  if (!ring_.next(c, live)) return false;
  if (!sendBackoff_.ready(now)) return false;
  if (c.wallMs == 0) {
    if (!clockWarned_) p_.log.log(Level::warn, "waiting_for_clock", {{"id", c.id}, {"why", "the capture time needs NTP"}});
    clockWarned_ = true;
    return false;
  }
  Settings s = settings();
  HttpRequest req = captureRequest(s.gateId, s.deviceKey, c.id, c.wallMs, c.jpeg.data(), c.jpeg.size());
  ring_.attempted(c.id);
  attempted = true;
  posted_++;
  HttpResult r = netHttp_.send(req);
  PostResult pr = interpretCapture(r, c.id);
  uint64_t after = p_.clock.monoMs();
  if (r.ok()) {
    lastContactMono_ = after;
    lastContactWall_ = p_.clock.wallMs();
  }
  switch (pr.outcome) {
    case PostOutcome::decided: {
      ring_.remove(c.id);
      sendBackoff_.reset();
      reachable_ = true;
      decided_++;
      if (pr.answer.replayed) replayed_++;
      if (pr.answer.reason == "permit" && !pr.answer.plate.empty()) permits_.remember(pr.answer.plate, c.wallMs);
      p_.log.log(Level::info, "decision",
                 {{"id", c.id}, {"server_capture_id", pr.answer.serverCaptureId}, {"decision", decisionName(pr.answer.decision)},
                  {"reason", pr.answer.reason}, {"plate", pr.answer.plate}, {"display", pr.answer.display}, {"replayed", pr.answer.replayed},
                  {"attempt", c.attempts + 1}, {"queued", static_cast<unsigned long>(ring_.size())}});
      std::lock_guard<std::mutex> g(inboxM_);
      decisions_.push_back({c.id, pr.answer, c.wallMs});
      return true;
    }
    case PostOutcome::rejected: {
      ring_.remove(c.id);
      p_.log.log(Level::error, "capture_rejected", {{"id", c.id}, {"why", pr.why}});
      // the car that waits for it is held for a person
      CaptureAnswer held;
      held.decision = Decision::hold;
      held.reason = "rejected";
      std::lock_guard<std::mutex> g(inboxM_);
      decisions_.push_back({c.id, held, c.wallMs});
      return true;
    }
    case PostOutcome::unauthorized:
    case PostOutcome::retry: {
      bool network = !r.ok() || r.response.status >= 500;
      if (network) reachable_ = false;
      retries_++;
      uint32_t wait = sendBackoff_.fail(after, pr.retryAfterMs);
      p_.log.log(pr.outcome == PostOutcome::unauthorized || r.failure == HttpFailure::tls ? Level::error : Level::warn, "capture_retry",
                 {{"id", c.id}, {"why", pr.why}, {"outcome", postOutcomeName(pr.outcome)}, {"retry_in_ms", static_cast<unsigned long>(wait)},
                  {"queued", static_cast<unsigned long>(ring_.size())}});
      return false;
    }
  }
  return false;
}

void GateApp::heartbeat(uint64_t now) {
  lastHeartbeat_ = now;
  Settings s = settings();
  std::string body = "{\"firmware\":" + jsonQuote(firmware_) + ",\"uptime_ms\":" + std::to_string(now) + ",\"queued\":" + std::to_string(ring_.size()) + "}";
  HttpResult r = netHttp_.send(heartbeatRequest(s.gateId, s.deviceKey, body));
  bool ok = r.ok() && r.response.status == 204;
  if (r.ok()) {
    lastContactMono_ = p_.clock.monoMs();
    lastContactWall_ = p_.clock.wallMs();
  }
  if (ok != reachable_.load()) p_.log.log(ok ? Level::info : Level::warn, ok ? "server_reachable" : "server_unreachable", {{"why", r.ok() ? "HTTP " + std::to_string(r.response.status) : std::string(httpFailureName(r.failure)) + " " + r.detail}});
  reachable_ = ok;
  if (ok) sendBackoff_.reset();  // the server is back: try the queue now
}

uint32_t GateApp::netStep() {
  uint64_t now = p_.clock.monoMs();
  if (sendReset_.exchange(false)) sendBackoff_.reset();
  netBeat_ = now;
  if (!provisioned_) return 500;
  Settings s = settings();
  if (!p_.network.up()) {
    if (wifiWasUp_) p_.log.log(Level::warn, "wifi_down");
    wifiWasUp_ = false;
    reachable_ = false;
    if (wifiBackoff_.ready(now)) {
      uint32_t wait = wifiBackoff_.fail(now);
      p_.network.join(s.wifiSsid, s.wifiPass);
      p_.log.log(Level::info, "wifi_join", {{"ssid", s.wifiSsid}, {"next_try_ms", static_cast<unsigned long>(wait)}});
    }
    return 200;
  }
  if (!wifiWasUp_) {
    wifiWasUp_ = true;
    wifiBackoff_.reset();
    p_.log.log(Level::info, "wifi_up", {{"ip", p_.network.ip()}, {"rssi", p_.network.rssi()}});
  }
  int64_t wall = p_.clock.wallMs();
  if (clockIsSet(wall)) {
    ring_.backfillWall(now, wall);
    if (clockWarned_) p_.log.log(Level::info, "clock_set", {{"now_ist", formatIst(wall)}});
    clockWarned_ = false;
  }
  bool attempted = false;
  if (sendCapture(now, attempted)) return 0;  // more may be queued: straight on
  if (attempted) return 100;
  now = p_.clock.monoMs();
  bool queued = ring_.size() > 0;
  if (now - lastHeartbeat_ >= (queued && !reachable_ ? 5000u : limits_.heartbeatMs) && (!queued || !reachable_)) {
    // with captures queued and the server away, a cheap heartbeat finds out when it's back
    heartbeat(now);
    return queued ? 0 : 100;
  }
  if (!queued && g_idle && !restartWhenIdle_ && (lastOta_ == 0 ? now > 60000 : now - lastOta_ >= limits_.otaEveryMs)) {
    lastOta_ = now;
    std::string url = s.otaUrl.empty() ? defaultOtaUrl(s.serverUrl) : s.otaUrl;
    OtaResult r = runOta(netHttp_, p_.ota, p_.log, url, s.deviceKey, s.caPem, dev_ && s.devInsecureTls, firmware_);
    Url u;
    if (parseUrl(s.serverUrl, u)) netHttp_.configure(u, s.caPem, dev_ && s.devInsecureTls);
    if (r == OtaResult::updated) restartWhenIdle_ = true;
  }
  return 100;
}

// ------------------------------------------------------------------ commands

uint32_t GateApp::commandStep() {
  cmdBeat_ = p_.clock.monoMs();
  if (cmdReset_.exchange(false)) cmdBackoff_.reset();
  if (!provisioned_ || !p_.network.up()) {
    sleepBeating(1000, cmdBeat_);
    return 0;
  }
  Settings s = settings();
  for (auto it = pendingAcks_.begin(); it != pendingAcks_.end();) {
    HttpResult r = cmdHttp_.send(ackRequest(s.gateId, s.deviceKey, *it));
    if (r.ok() && (r.response.status == 204 || r.response.status == 404)) {
      p_.log.log(Level::info, "command_acked", {{"command", *it}});
      it = pendingAcks_.erase(it);
    } else {
      ++it;
    }
  }
  uint64_t now = p_.clock.monoMs();
  if (!cmdBackoff_.ready(now)) {
    sleepBeating(static_cast<uint32_t>(cmdBackoff_.nextAt() - now), cmdBeat_);
    return 0;
  }
  HttpResult r = cmdHttp_.send(commandsRequest(s.gateId, s.deviceKey, limits_.longPollSeconds));
  std::vector<Command> cmds;
  std::string why;
  uint32_t retryAfter = 0;
  if (!parseCommands(r, cmds, why, retryAfter)) {
    uint32_t wait = cmdBackoff_.fail(p_.clock.monoMs(), retryAfter);
    p_.log.log(cmdBackoff_.failures() == 1 ? Level::warn : Level::debug, "commands_poll_failed", {{"why", why}, {"retry_in_ms", static_cast<unsigned long>(wait)}});
    return 0;
  }
  cmdBackoff_.reset();
  lastContactWall_ = p_.clock.wallMs();
  int64_t wall = p_.clock.wallMs();
  for (const auto& c : cmds) {
    if (ledger_.ran(c.id)) {
      p_.log.log(Level::info, "command_repeat", {{"command", c.id}, {"note", "ran already: acknowledged, not run again"}});
    } else if (clockIsSet(wall) && c.expiresAt > 0 && c.expiresAt < wall) {
      ledger_.record(c.id);
      p_.log.log(Level::warn, "command_expired", {{"command", c.id}, {"what", c.open ? "open" : "close"}});
    } else {
      unsigned before = commandsRun_;
      {
        std::lock_guard<std::mutex> g(inboxM_);
        commands_.push_back(c);
      }
      // acknowledged once the control loop ran it (it does within a cycle)
      for (int i = 0; i < 100 && commandsRun_ == before; i++) p_.clock.sleepMs(10);
      ledger_.record(c.id);
      p_.log.log(Level::info, "command", {{"command", c.id}, {"what", c.open ? "open" : "close"}, {"reason", c.reason}, {"capture_id", c.captureId}});
    }
    pendingAcks_.push_back(c.id);
  }
  return 0;
}

// ------------------------------------------------------------------ status

StatusSnapshot GateApp::status() const {
  StatusSnapshot st;
  Settings s = settings();
  st.firmware = firmware_;
  st.gateId = s.gateId;
  st.provisioned = provisioned_;
  {
    std::lock_guard<std::mutex> g(settingsM_);
    st.problems = problems_;
  }
  Url u;
  if (parseUrl(s.serverUrl, u)) st.serverHost = u.host + ":" + std::to_string(u.port);
  st.wifiUp = p_.network.up();
  st.rssi = p_.network.rssi();
  st.ip = p_.network.ip();
  st.serverReachable = reachable_;
  st.lastContactWallMs = lastContactWall_;
  st.insecureTls = dev_ && s.devInsecureTls;
  st.gateState = gateStateName(static_cast<GateState>(g_state.load()));
  st.barrierOpen = g_open;
  st.vehicleSensed = g_sensed;
  st.sensorChattering = g_chatter;
  st.offlinePolicy = offlinePolicyName(s.offlinePolicy);
  st.nowWallMs = p_.clock.wallMs();
  st.uptimeMs = p_.clock.monoMs();
  st.queued = ring_.size();
  st.queuedBytes = ring_.bytes();
  st.dropped = ring_.dropped();
  st.queuedIds = ring_.ids();
  st.posted = posted_;
  st.decided = decided_;
  st.retries = retries_;
  st.replayed = replayed_;
  st.freeHeap = p_.system.freeHeap();
  st.freePsram = p_.system.freePsram();
  st.decisions = decisionsSeen_.items();
  st.plates = plates_.items();
  st.streamPort = limits_.streamPort;
  return st;
}

}  // namespace spms
