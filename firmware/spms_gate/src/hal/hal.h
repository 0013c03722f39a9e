// The thin hardware layer: everything the gate logic needs from the board, as plain C++
// interfaces. The ESP32 implementations live in hal/esp32 (Arduino core 3.x, compiled only for
// ARDUINO_ARCH_ESP32); the host build's POSIX ones in firmware/host. Nothing here includes
// Arduino.h, so the logic above it compiles and is tested with g++ on the host.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spms {
namespace hal {

/** Time: a monotonic millisecond clock, and the wall clock once NTP has set it. */
class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t monoMs() = 0;
  /** Epoch milliseconds, or 0 while the clock is not set. */
  virtual int64_t wallMs() = 0;
  virtual void sleepMs(uint32_t ms) = 0;
};

/** Non-volatile key/value store (NVS on the ESP32: keys ≤ 15 characters). */
class Kv {
 public:
  virtual ~Kv() = default;
  virtual bool getString(const char* key, std::string& out) = 0;
  virtual bool setString(const char* key, const std::string& value) = 0;
  virtual bool getU32(const char* key, uint32_t& out) = 0;
  virtual bool setU32(const char* key, uint32_t value) = 0;
  virtual bool erase(const char* key) = 0;
  /** Makes the writes durable (nvs_commit). */
  virtual bool commit() = 0;
};

enum class NetError { none, dns, refused, timeout, tls, closed, io };
const char* netErrorName(NetError e);

/** One TCP connection, optionally TLS with the server's CA verified. */
class Transport {
 public:
  virtual ~Transport() = default;
  /**
   * @param caPem the CA certificate(s) the server's chain must end in (required with tls)
   * @param insecureDev skip verification (only honoured in builds with SPMS_DEV_INSECURE_TLS)
   */
  virtual bool connect(const std::string& host, uint16_t port, bool tls, const std::string& caPem, bool insecureDev, uint32_t timeoutMs,
                       NetError& err, std::string& detail) = 0;
  /** Writes everything or fails. */
  virtual bool writeAll(const uint8_t* data, size_t len, uint32_t timeoutMs) = 0;
  /** > 0 bytes read, 0 the peer closed, -1 an error, -2 nothing within `timeoutMs`. */
  virtual int read(uint8_t* buf, size_t cap, uint32_t timeoutMs) = 0;
  virtual void close() = 0;
  virtual bool isOpen() = 0;
};

/** A JPEG frame from the camera; `release` must be called once (esp_camera_fb_return). */
struct Frame {
  const uint8_t* data = nullptr;
  size_t len = 0;
  long sec = 0, usec = 0;  // capture time (the example's X-Timestamp)
  void* handle = nullptr;
};
class Camera {
 public:
  virtual ~Camera() = default;
  virtual bool grab(Frame& f) = 0;
  virtual void release(Frame& f) = 0;
};

/** The vehicle sensor's raw reading: IR break-beam (beam broken) or HC-SR04 (centimetres). */
class VehicleSensor {
 public:
  virtual ~VehicleSensor() = default;
  /** IR: 1 broken, 0 clear. Ultrasonic: distance in cm, or -1 for no echo. */
  virtual int read() = 0;
};

/** The barrier's servo, and an optional closed-limit switch. */
class Barrier {
 public:
  virtual ~Barrier() = default;
  virtual void setOpen(bool open) = 0;
  /** 1 closed, 0 not closed, -1 no switch fitted. */
  virtual int closedSwitch() = 0;
};

/** Writes an OTA image to the spare partition; `finish(true)` makes it the boot image. */
class OtaWriter {
 public:
  virtual ~OtaWriter() = default;
  virtual bool begin(size_t size) = 0;
  virtual bool write(const uint8_t* data, size_t len) = 0;
  virtual bool finish() = 0;
  virtual void abort() = 0;
};

/** The task watchdog and restarts. */
class System {
 public:
  virtual ~System() = default;
  virtual void feedWatchdog() = 0;
  virtual void restart(const char* why) = 0;
  virtual uint32_t random32() = 0;
  virtual size_t freeHeap() = 0;
  virtual size_t freePsram() = 0;
};

/** Wi-Fi status for the page and the net worker. */
class Network {
 public:
  virtual ~Network() = default;
  /** Starts (or restarts) joining the network; returns at once (the app retries with backoff). */
  virtual void join(const std::string& ssid, const std::string& pass) = 0;
  virtual bool up() = 0;
  virtual int rssi() = 0;
  virtual std::string ip() = 0;
};

}  // namespace hal
}  // namespace spms
