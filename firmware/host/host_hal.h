// The host build's hardware layer: POSIX sockets with OpenSSL for the network, a file for NVS,
// JPEG files for the camera, and a simulated sensor and barrier driven from standard input.
#pragma once
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <openssl/ssl.h>

#include "../spms_gate/src/core/log.h"
#include "../spms_gate/src/hal/hal.h"

namespace spms {
namespace host {

class HostClock : public hal::Clock {
 public:
  uint64_t monoMs() override;
  int64_t wallMs() override;
  void sleepMs(uint32_t ms) override { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }
};

/** NVS in a text file, one `key=value` a line (values escaped), replaced atomically on commit. */
class FileKv : public hal::Kv {
 public:
  explicit FileKv(std::string path);
  bool getString(const char* key, std::string& out) override;
  bool setString(const char* key, const std::string& value) override;
  bool getU32(const char* key, uint32_t& out) override;
  bool setU32(const char* key, uint32_t value) override;
  bool erase(const char* key) override;
  bool commit() override;

 private:
  std::mutex m_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> kv_;
};

class PosixTransport : public hal::Transport {
 public:
  ~PosixTransport() override { close(); }
  bool connect(const std::string& host, uint16_t port, bool tls, const std::string& caPem, bool insecureDev, uint32_t timeoutMs, hal::NetError& err,
               std::string& detail) override;
  bool writeAll(const uint8_t* data, size_t len, uint32_t timeoutMs) override;
  int read(uint8_t* buf, size_t cap, uint32_t timeoutMs) override;
  void close() override;
  bool isOpen() override { return fd_ >= 0; }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

/** JPEG files (a folder of them, or one file), served in turn as camera frames. */
class FileCamera : public hal::Camera {
 public:
  explicit FileCamera(const std::vector<std::string>& paths);
  bool grab(hal::Frame& f) override;
  void release(hal::Frame& f) override;
  size_t count() const { return files_.size(); }

 private:
  std::vector<std::string> files_;
  size_t next_ = 0;
  std::mutex m_;
};

/** The simulated sensor: IR (0/1) or ultrasonic centimetres, set by `sim sensor N`. */
class SimSensor : public hal::VehicleSensor {
 public:
  int read() override { return value_; }
  std::atomic<int> value_{0};
};

/** The simulated barrier: a servo position and an optional limit switch (`sim switch`, `sim stuck`). */
class SimBarrier : public hal::Barrier {
 public:
  void setOpen(bool open) override;
  int closedSwitch() override;
  std::atomic<bool> open_{false};
  std::atomic<int> switchMode_{-1};  // -1 none fitted, 1 follows the servo, 0 stuck open
  std::atomic<unsigned> moves_{0};
};

/** OTA into a file next to the NVS file: `<base>.ota` while writing, `<base>.ota-ready` when verified. */
class FileOta : public hal::OtaWriter {
 public:
  explicit FileOta(std::string base) : base_(std::move(base)) {}
  bool begin(size_t size) override;
  bool write(const uint8_t* data, size_t len) override;
  bool finish() override;
  void abort() override;

 private:
  std::string base_;
  FILE* f_ = nullptr;
};

/** A real watchdog for the host's control loop: not fed for `timeoutMs`, the process aborts. */
class HostSystem : public hal::System {
 public:
  HostSystem(Logger& log, uint32_t watchdogMs);
  void feedWatchdog() override { fed_ = std::chrono::steady_clock::now().time_since_epoch().count(); }
  void restart(const char* why) override;
  uint32_t random32() override;
  size_t freeHeap() override { return 0; }
  size_t freePsram() override { return 0; }

 private:
  Logger& log_;
  std::atomic<long long> fed_;
};

class HostNetwork : public hal::Network {
 public:
  void join(const std::string&, const std::string&) override {}
  bool up() override { return true; }
  int rssi() override { return -50; }
  std::string ip() override { return "127.0.0.1"; }
};

}  // namespace host
}  // namespace spms
