// Test doubles for the hardware layer: a clock the test moves, NVS in memory, a transport that
// plays scripted server answers (or failures), a camera, a sensor and a barrier.
#pragma once
#include <cstring>
#include <deque>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "../spms_gate/src/app/gate_app.h"
#include "../spms_gate/src/hal/hal.h"

namespace fake {
using namespace spms;

struct Clock : hal::Clock {
  uint64_t mono = 1000;
  int64_t wall = 1764600000000LL;  // 2025-12-01T14:40:00Z
  bool wallSet = true;
  uint64_t monoMs() override { return mono; }
  int64_t wallMs() override { return wallSet ? wall + static_cast<int64_t>(mono) : 0; }
  void sleepMs(uint32_t ms) override { mono += ms; }
  void advance(uint64_t ms) { mono += ms; }
};

struct Kv : hal::Kv {
  std::map<std::string, std::string> committed, pending;
  bool failWrites = false;
  bool getString(const char* k, std::string& out) override {
    auto it = pending.find(k);
    if (it != pending.end()) { out = it->second; return true; }
    it = committed.find(k);
    if (it == committed.end()) return false;
    out = it->second;
    return true;
  }
  bool setString(const char* k, const std::string& v) override {
    if (failWrites || std::string(k).size() > 15) return false;
    pending[k] = v;
    return true;
  }
  bool getU32(const char* k, uint32_t& out) override {
    std::string v;
    if (!getString(k, v)) return false;
    out = static_cast<uint32_t>(std::stoul(v));
    return true;
  }
  bool setU32(const char* k, uint32_t v) override { return setString(k, std::to_string(v)); }
  bool erase(const char* k) override { pending.erase(k); committed.erase(k); return true; }
  bool commit() override {
    if (failWrites) return false;
    for (auto& kv : pending) committed[kv.first] = kv.second;
    pending.clear();
    return true;
  }
  /** A reboot loses what was never committed. */
  void reboot() { pending.clear(); }
};

/** One scripted step: a connect failure, or the server's answer to the next request. */
struct Step {
  hal::NetError connectError = hal::NetError::none;
  std::string detail;
  std::string response;   // raw bytes; empty + hang = no answer at all
  bool closeAfter = true; // the server closes after the answer
  bool hang = false;
};

struct Transport : hal::Transport {
  explicit Transport(Clock& c) : clock(c) {}
  Clock& clock;
  std::deque<Step> script;
  std::vector<std::string> requests;  // every request written (head + body)
  unsigned connects = 0;
  bool open = false;
  std::string readBuf;
  bool eofAfter = false, hanging = false;
  std::string lastHost, lastCa;

  bool connect(const std::string& host, uint16_t, bool, const std::string& ca, bool, uint32_t, hal::NetError& err, std::string& detail) override {
    connects++;
    lastHost = host;
    lastCa = ca;
    if (!script.empty() && script.front().connectError != hal::NetError::none) {
      err = script.front().connectError;
      detail = script.front().detail;
      script.pop_front();
      return false;
    }
    if (script.empty()) {  // nothing scripted: the server is away
      err = hal::NetError::refused;
      detail = "connection refused";
      return false;
    }
    open = true;
    readBuf.clear();
    eofAfter = hanging = false;
    return true;
  }
  bool writeAll(const uint8_t* d, size_t n, uint32_t) override {
    if (!open) return false;
    std::string s(reinterpret_cast<const char*>(d), n);
    if (s.compare(0, 4, "GET ") == 0 || s.compare(0, 5, "POST ") == 0) {
      requests.push_back(s);
      if (script.empty() || script.front().connectError != hal::NetError::none) {
        hanging = true;
        return true;
      }
      Step st = script.front();
      script.pop_front();
      readBuf += st.response;
      eofAfter = st.closeAfter;
      hanging = st.hang;
    } else if (!requests.empty()) {
      requests.back() += s;  // the body
    }
    return true;
  }
  int read(uint8_t* buf, size_t cap, uint32_t timeoutMs) override {
    if (!open) return -1;
    if (!readBuf.empty()) {
      size_t n = readBuf.size() < cap ? readBuf.size() : cap;
      std::memcpy(buf, readBuf.data(), n);
      readBuf.erase(0, n);
      return static_cast<int>(n);
    }
    if (eofAfter && !hanging) return 0;
    clock.advance(timeoutMs);
    return -2;
  }
  void close() override { open = false; }
  bool isOpen() override { return open; }
};

inline std::string http(int status, const std::string& body, const std::string& extraHeaders = "", const char* type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
}

inline std::string answer(const std::string& key, const char* decision, const char* reason = "welcome", const char* plate = "KA01AB1234", const std::string& extra = "") {
  std::string body = std::string("{\"capture_id\":\"srv-") + key + "\",\"decision\":\"" + decision + "\",\"plate\":" +
                     (plate ? std::string("\"") + plate + "\"" : std::string("null")) + ",\"confidence\":0.97,\"reason\":\"" + reason +
                     "\",\"session_id\":\"s1\",\"amount_due\":0,\"display\":\"KA01AB1234 WELCOME\"}";
  return http(200, body, "Idempotency-Key: " + key + "\r\n" + extra);
}

struct Camera : hal::Camera {
  std::vector<uint8_t> jpeg{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9};
  bool fail = false;
  unsigned grabs = 0, releases = 0;
  bool grab(hal::Frame& f) override {
    if (fail) return false;
    grabs++;
    f.data = jpeg.data();
    f.len = jpeg.size();
    f.sec = 1;
    f.usec = 2;
    return true;
  }
  void release(hal::Frame&) override { releases++; }
};

struct Sensor : hal::VehicleSensor {
  int value = 0;
  int read() override { return value; }
};

struct Barrier : hal::Barrier {
  bool open = false;
  int sw = -1;
  std::vector<bool> moves;
  void setOpen(bool o) override {
    open = o;
    moves.push_back(o);
  }
  int closedSwitch() override { return sw; }
};

struct Ota : hal::OtaWriter {
  std::string written;
  bool begun = false, finished = false, aborted = false;
  bool begin(size_t) override { begun = true; written.clear(); return true; }
  bool write(const uint8_t* d, size_t n) override { written.append(reinterpret_cast<const char*>(d), n); return true; }
  bool finish() override { finished = true; return true; }
  void abort() override { aborted = true; }
};

struct System : hal::System {
  unsigned feeds = 0, restarts = 0;
  uint32_t seed = 12345;
  std::string lastRestart;
  void feedWatchdog() override { feeds++; }
  void restart(const char* why) override { restarts++; lastRestart = why; }
  uint32_t random32() override { return seed = seed * 1103515245u + 12345u; }
  size_t freeHeap() override { return 100000; }
  size_t freePsram() override { return 2000000; }
};

struct Network : hal::Network {
  bool isUp = true;
  unsigned joins = 0;
  void join(const std::string&, const std::string&) override { joins++; }
  bool up() override { return isUp; }
  int rssi() override { return -60; }
  std::string ip() override { return "10.0.0.9"; }
};

constexpr const char* kKey = "spms_dk_abcdefghijklmnopqrstuvwxyz234567";
constexpr const char* kCa = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** A whole gate over fakes, provisioned, with fast timings. */
struct Rig {
  Clock clock;
  Kv kv;
  Transport netT{clock}, cmdT{clock};
  Camera camera;
  Sensor sensor;
  Barrier barrier;
  Ota ota;
  System sys;
  Network network;
  Logger log{200};
  std::vector<std::string> lines;
  Platform platform{clock, kv, netT, cmdT, camera, sensor, barrier, ota, sys, network, log, nullptr};
  std::unique_ptr<GateApp> app;

  explicit Rig(bool provision = true, OfflinePolicy policy = OfflinePolicy::hold) {
    log.setSink([this](Level, const std::string& l) { lines.push_back(l); });
    if (provision) {
      Settings s;
      s.wifiSsid = "lot-wifi";
      s.wifiPass = "secret-pass";
      s.serverUrl = "https://spms.example.com";
      s.gateId = "gate1";
      s.deviceKey = kKey;
      s.caPem = kCa;
      s.offlinePolicy = policy;
      s.timings.decisionWaitMs = 3000;
      s.timings.clearMs = 500;
      s.timings.openNoVehicleMs = 5000;
      s.timings.vehicleUnderBarrierAlarmMs = 10000;
      s.sensor.presentMs = 100;
      s.sensor.absentMs = 300;
      saveSettings(kv, s);
    }
    boot();
  }
  void boot() {
    app.reset(new GateApp(platform, "1.0.0", false));
    app->begin();
  }
  /** Runs the control loop for `ms` in 10 ms steps. */
  void run(uint64_t ms) {
    for (uint64_t t = 0; t < ms; t += 10) {
      app->controlStep();
      clock.advance(10);
    }
  }
  bool logged(const std::string& ev) const {
    for (const auto& l : lines)
      if (l.find("\"ev\":\"" + ev + "\"") != std::string::npos) return true;
    return false;
  }
  unsigned count(const std::string& ev) const {
    unsigned n = 0;
    for (const auto& l : lines)
      if (l.find("\"ev\":\"" + ev + "\"") != std::string::npos) n++;
    return n;
  }
  std::string keyOf(size_t request) const {
    const std::string& r = netT.requests.at(request);
    size_t k = r.find("Idempotency-Key: ");
    return k == std::string::npos ? "" : r.substr(k + 17, r.find("\r\n", k) - k - 17);
  }
};

}  // namespace fake
