#if defined(ARDUINO_ARCH_ESP32)
// Every esp_err_t is checked and logged; every camera frame buffer is returned.
#include "esp32_platform.h"

#include <Arduino.h>
#include <DNSServer.h>
#include <NetworkClient.h>
#include <NetworkClientSecure.h>
#include <Preferences.h>
#include <Update.h>
#include <WiFi.h>

#include <sys/time.h>

#include "driver/ledc.h"
#include "esp_camera.h"
#include "esp_heap_caps.h"
#include "esp_http_server.h"
#include "esp_random.h"
#include "esp_task_wdt.h"
#include "esp_timer.h"

#include "../../../board_config.h"
#include "../../app/gate_app.h"
#include "../../core/mjpeg.h"
#include "../../core/settings.h"
#include "../../core/status.h"

#ifndef SPMS_FIRMWARE_VERSION
#define SPMS_FIRMWARE_VERSION "1.0.0"
#endif

extern "C" void* spms_large_alloc(size_t bytes) {
  void* p = heap_caps_malloc(bytes, MALLOC_CAP_SPIRAM | MALLOC_CAP_8BIT);
  return p ? p : malloc(bytes);  // no PSRAM fitted: internal RAM (the ring is then small)
}
extern "C" void spms_large_free(void* p) { heap_caps_free(p); }

namespace spms {
namespace esp32 {
namespace {

Logger g_log(40);

void logErr(const char* what, esp_err_t err) {
  if (err != ESP_OK) g_log.log(Level::error, "esp_err", {{"what", what}, {"err", esp_err_to_name(err)}});
}

// ------------------------------------------------------------------ clock, NVS

class EspClock : public hal::Clock {
 public:
  uint64_t monoMs() override { return static_cast<uint64_t>(esp_timer_get_time() / 1000); }
  int64_t wallMs() override {
    timeval tv;
    gettimeofday(&tv, nullptr);
    int64_t ms = static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
    return clockIsSet(ms) ? ms : 0;
  }
  void sleepMs(uint32_t ms) override { vTaskDelay(pdMS_TO_TICKS(ms ? ms : 1)); }
};

class NvsKv : public hal::Kv {
 public:
  bool begin() { return prefs_.begin("spms", false); }
  bool getString(const char* key, std::string& out) override {
    if (!prefs_.isKey(key)) return false;
    out = prefs_.getString(key, "").c_str();
    return true;
  }
  bool setString(const char* key, const std::string& value) override {
    if (value.empty()) {  // Preferences can't store an empty string: no key is the empty value
      prefs_.remove(key);
      return true;
    }
    return prefs_.putString(key, value.c_str()) == value.size();
  }
  bool getU32(const char* key, uint32_t& out) override {
    if (!prefs_.isKey(key)) return false;
    out = prefs_.getUInt(key, 0);
    return true;
  }
  bool setU32(const char* key, uint32_t v) override { return prefs_.putUInt(key, v) == sizeof v; }
  bool erase(const char* key) override { return prefs_.remove(key); }
  bool commit() override { return true; }  // Preferences commits every put (nvs_commit)

 private:
  Preferences prefs_;
};

// ------------------------------------------------------------------ network

class TlsTransport : public hal::Transport {
 public:
  bool connect(const std::string& host, uint16_t port, bool tls, const std::string& caPem, bool insecureDev, uint32_t timeoutMs, hal::NetError& err,
               std::string& detail) override {
    close();
    ca_ = caPem;  // NetworkClientSecure keeps the pointer: the PEM must outlive the connection
    if (tls) {
#ifdef SPMS_DEV_INSECURE_TLS
      if (insecureDev) secure_.setInsecure();
      else secure_.setCACert(ca_.c_str());
#else
      (void)insecureDev;
      secure_.setCACert(ca_.c_str());
#endif
      secure_.setHandshakeTimeout((timeoutMs + 999) / 1000);
      client_ = &secure_;
    } else {
      client_ = &plain_;
    }
    if (client_->connect(host.c_str(), port, static_cast<int32_t>(timeoutMs)) == 1) return true;
    err = hal::NetError::refused;
    detail = "connect failed";
    if (tls) {
      char buf[120] = {0};
      int code = secure_.lastError(buf, sizeof buf);
      if (code != 0) {
        // mbedTLS: X509 and SSL errors are the certificate or the handshake, not the network
        err = (code <= -0x2000 && code >= -0x2FFF) || (code <= -0x7000 && code >= -0x7FFF) ? hal::NetError::tls : hal::NetError::io;
        detail = buf;
      }
    }
    client_->stop();
    client_ = nullptr;
    return false;
  }
  bool writeAll(const uint8_t* d, size_t n, uint32_t timeoutMs) override {
    uint64_t end = millis() + timeoutMs;
    while (n > 0 && client_ && client_->connected()) {
      size_t w = client_->write(d, n > 4096 ? 4096 : n);
      if (w == 0) {
        if (millis() > end) return false;
        delay(5);
        continue;
      }
      d += w;
      n -= w;
    }
    return n == 0;
  }
  int read(uint8_t* buf, size_t cap, uint32_t timeoutMs) override {
    if (!client_) return -1;
    uint64_t end = millis() + timeoutMs;
    for (;;) {
      int avail = client_->available();
      if (avail > 0) {
        int r = client_->read(buf, cap < static_cast<size_t>(avail) ? cap : static_cast<size_t>(avail));
        return r > 0 ? r : -1;
      }
      if (!client_->connected()) return 0;
      if (millis() >= end) return -2;
      delay(2);
    }
  }
  void close() override {
    if (client_) client_->stop();
    client_ = nullptr;
  }
  bool isOpen() override { return client_ && client_->connected(); }

 private:
  NetworkClientSecure secure_;
  NetworkClient plain_;
  NetworkClient* client_ = nullptr;
  std::string ca_;
};

/** Wi-Fi, joined by the app with backoff (the core's own auto-reconnect is off, so retries don't storm). */
class WifiNetwork : public hal::Network {
 public:
  void join(const std::string& ssid, const std::string& pass) override {
    WiFi.disconnect(false, false);
    WiFi.begin(ssid.c_str(), pass.c_str());
  }
  bool up() override { return WiFi.status() == WL_CONNECTED; }
  int rssi() override { return up() ? WiFi.RSSI() : 0; }
  std::string ip() override { return up() ? WiFi.localIP().toString().c_str() : ""; }
};

// ------------------------------------------------------------------ camera, sensor, servo

class EspCamera : public hal::Camera {
 public:
  bool begin() {
    camera_config_t c = {};
    c.ledc_channel = CAMERA_LEDC_CHANNEL;
    c.ledc_timer = CAMERA_LEDC_TIMER;
    c.pin_d0 = Y2_GPIO_NUM;
    c.pin_d1 = Y3_GPIO_NUM;
    c.pin_d2 = Y4_GPIO_NUM;
    c.pin_d3 = Y5_GPIO_NUM;
    c.pin_d4 = Y6_GPIO_NUM;
    c.pin_d5 = Y7_GPIO_NUM;
    c.pin_d6 = Y8_GPIO_NUM;
    c.pin_d7 = Y9_GPIO_NUM;
    c.pin_xclk = XCLK_GPIO_NUM;
    c.pin_pclk = PCLK_GPIO_NUM;
    c.pin_vsync = VSYNC_GPIO_NUM;
    c.pin_href = HREF_GPIO_NUM;
    c.pin_sccb_sda = SIOD_GPIO_NUM;
    c.pin_sccb_scl = SIOC_GPIO_NUM;
    c.pin_pwdn = PWDN_GPIO_NUM;
    c.pin_reset = RESET_GPIO_NUM;
    c.xclk_freq_hz = 20000000;
    c.pixel_format = PIXFORMAT_JPEG;
    c.grab_mode = CAMERA_GRAB_LATEST;
    if (psramFound()) {
      // a plate must be legible: SXGA with two frame buffers in PSRAM (UXGA halves the frame rate)
      c.frame_size = FRAMESIZE_SXGA;
      c.jpeg_quality = 10;
      c.fb_count = 2;
      c.fb_location = CAMERA_FB_IN_PSRAM;
    } else {
      c.frame_size = FRAMESIZE_SVGA;
      c.jpeg_quality = 12;
      c.fb_count = 1;
      c.fb_location = CAMERA_FB_IN_DRAM;
      c.grab_mode = CAMERA_GRAB_WHEN_EMPTY;
      g_log.log(Level::warn, "no_psram", {{"note", "SVGA, one frame buffer, a small offline queue"}});
    }
    esp_err_t err = esp_camera_init(&c);
    logErr("esp_camera_init", err);
    return err == ESP_OK;
  }
  bool grab(hal::Frame& f) override {
    camera_fb_t* fb = esp_camera_fb_get();
    if (!fb) {
      g_log.log(Level::error, "camera_failed", {{"why", "esp_camera_fb_get returned no frame"}});
      return false;
    }
    if (fb->format != PIXFORMAT_JPEG) {
      esp_camera_fb_return(fb);
      return false;
    }
    f.data = fb->buf;
    f.len = fb->len;
    f.sec = fb->timestamp.tv_sec;
    f.usec = fb->timestamp.tv_usec;
    f.handle = fb;
    return true;
  }
  void release(hal::Frame& f) override {
    if (f.handle) esp_camera_fb_return(static_cast<camera_fb_t*>(f.handle));
    f = hal::Frame();
  }
};

class EspSensor : public hal::VehicleSensor {
 public:
  void begin(SensorKind kind) {
    kind_ = kind;
    if (kind == SensorKind::irBeam) {
      pinMode(SENSOR_IR_GPIO_NUM, INPUT_PULLUP);
    } else {
      pinMode(SENSOR_TRIG_GPIO_NUM, OUTPUT);
      digitalWrite(SENSOR_TRIG_GPIO_NUM, LOW);
      pinMode(SENSOR_ECHO_GPIO_NUM, INPUT);
    }
  }
  int read() override {
    if (kind_ == SensorKind::irBeam) return digitalRead(SENSOR_IR_GPIO_NUM) == LOW ? 1 : 0;
    // HC-SR04 at most every 60 ms (its echo settles); in between, the last reading
    uint32_t now = millis();
    if (now - last_ < 60) return cm_;
    last_ = now;
    digitalWrite(SENSOR_TRIG_GPIO_NUM, HIGH);
    delayMicroseconds(10);
    digitalWrite(SENSOR_TRIG_GPIO_NUM, LOW);
    unsigned long us = pulseIn(SENSOR_ECHO_GPIO_NUM, HIGH, 25000);  // 25 ms ≈ 4 m
    cm_ = us == 0 ? -1 : static_cast<int>(us / 58);
    return cm_;
  }

 private:
  SensorKind kind_ = SensorKind::irBeam;
  uint32_t last_ = 0;
  int cm_ = -1;
};

class ServoBarrier : public hal::Barrier {
 public:
  bool begin() {
    ledc_timer_config_t t = {};
    t.speed_mode = LEDC_LOW_SPEED_MODE;
    t.duty_resolution = LEDC_TIMER_14_BIT;
    t.timer_num = SERVO_LEDC_TIMER;
    t.freq_hz = 50;
    t.clk_cfg = LEDC_AUTO_CLK;
    esp_err_t err = ledc_timer_config(&t);
    logErr("ledc_timer_config", err);
    if (err != ESP_OK) return false;
    ledc_channel_config_t c = {};
    c.gpio_num = SERVO_GPIO_NUM;
    c.speed_mode = LEDC_LOW_SPEED_MODE;
    c.channel = SERVO_LEDC_CHANNEL;
    c.timer_sel = SERVO_LEDC_TIMER;
    c.duty = duty(SERVO_CLOSED_US);
    c.hpoint = 0;
    err = ledc_channel_config(&c);
    logErr("ledc_channel_config", err);
#if BARRIER_SWITCH_FITTED
    pinMode(BARRIER_CLOSED_GPIO_NUM, INPUT_PULLUP);
#endif
    return err == ESP_OK;
  }
  void setOpen(bool open) override {
    logErr("ledc_set_duty", ledc_set_duty(LEDC_LOW_SPEED_MODE, SERVO_LEDC_CHANNEL, duty(open ? SERVO_OPEN_US : SERVO_CLOSED_US)));
    logErr("ledc_update_duty", ledc_update_duty(LEDC_LOW_SPEED_MODE, SERVO_LEDC_CHANNEL));
  }
  int closedSwitch() override {
#if BARRIER_SWITCH_FITTED
    return digitalRead(BARRIER_CLOSED_GPIO_NUM) == LOW ? 1 : 0;
#else
    return -1;
#endif
  }

 private:
  static uint32_t duty(uint32_t us) { return us * 16384 / 20000; }  // 14 bits over the 20 ms period
};

class EspOta : public hal::OtaWriter {
 public:
  bool begin(size_t size) override { return Update.begin(size, U_FLASH); }
  bool write(const uint8_t* d, size_t n) override { return Update.write(const_cast<uint8_t*>(d), n) == n; }
  bool finish() override {
    bool ok = Update.end(true);
    if (!ok) g_log.log(Level::error, "ota_end_failed", {{"err", Update.errorString()}});
    return ok;
  }
  void abort() override { Update.abort(); }
};

class EspSystem : public hal::System {
 public:
  void feedWatchdog() override { esp_task_wdt_reset(); }
  void restart(const char* why) override {
    g_log.log(Level::warn, "restart", {{"why", why}});
    delay(200);
    esp_restart();
  }
  uint32_t random32() override { return esp_random(); }
  size_t freeHeap() override { return heap_caps_get_free_size(MALLOC_CAP_INTERNAL); }
  size_t freePsram() override { return heap_caps_get_free_size(MALLOC_CAP_SPIRAM); }
};

EspClock g_clock;
NvsKv g_kv;
TlsTransport g_netT, g_cmdT;
EspCamera g_camera;
EspSensor g_sensor;
ServoBarrier g_barrier;
EspOta g_ota;
EspSystem g_system;
WifiNetwork g_network;
Platform g_platform{g_clock, g_kv, g_netT, g_cmdT, g_camera, g_sensor, g_barrier, g_ota, g_system, g_network, g_log, nullptr};
GateApp* g_app = nullptr;
bool g_setupMode = false;
DNSServer g_dns;
httpd_handle_t g_http = nullptr, g_stream = nullptr;

// ------------------------------------------------------------------ web servers

esp_err_t sendText(httpd_req_t* req, const char* type, const std::string& body) {
  httpd_resp_set_type(req, type);
  httpd_resp_set_hdr(req, "Cache-Control", "no-store");
  return httpd_resp_send(req, body.data(), body.size());
}

esp_err_t indexHandler(httpd_req_t* req) {
  if (g_setupMode) return sendText(req, "text/html; charset=utf-8", setupPageHtml(g_app->settings(), g_app->status().problems));
  return sendText(req, "text/html; charset=utf-8", statusHtml(g_app->status()));
}
esp_err_t statusHandler(httpd_req_t* req) { return sendText(req, "application/json", statusJson(g_app->status())); }

esp_err_t setupPostHandler(httpd_req_t* req) {
  if (!g_setupMode) return httpd_resp_send_404(req);
  if (req->content_len > 8192) return httpd_resp_send_err(req, HTTPD_400_BAD_REQUEST, "too large");
  std::string body(req->content_len, '\0');
  size_t got = 0;
  while (got < body.size()) {
    int r = httpd_req_recv(req, &body[got], body.size() - got);
    if (r <= 0) return ESP_FAIL;
    got += r;
  }
  Settings s = g_app->settings();
  std::vector<std::string> errors = applyForm(s, parseForm(body));
  if (!errors.empty()) return sendText(req, "text/html; charset=utf-8", setupPageHtml(s, errors));
  if (!saveSettings(g_kv, s)) return sendText(req, "text/html; charset=utf-8", setupPageHtml(s, {"NVS write failed"}));
  sendText(req, "text/html; charset=utf-8", "<p>Saved. The gate restarts and joins the network.</p>");
  g_system.restart("provisioned");
  return ESP_OK;
}

esp_err_t captureHandler(httpd_req_t* req) {
  esp_err_t res = ESP_FAIL;
  bool got = g_app->withFrame([&](const hal::Frame& f) {
    httpd_resp_set_type(req, "image/jpeg");
    httpd_resp_set_hdr(req, "Content-Disposition", "inline; filename=capture.jpg");
    httpd_resp_set_hdr(req, "Access-Control-Allow-Origin", "*");
    std::string ts = mjpeg::timestamp(f.sec, f.usec);
    httpd_resp_set_hdr(req, "X-Timestamp", ts.c_str());
    res = httpd_resp_send(req, reinterpret_cast<const char*>(f.data), f.len);
  });
  if (!got) return httpd_resp_send_500(req);
  return res;
}

esp_err_t streamHandler(httpd_req_t* req) {
  esp_err_t res = httpd_resp_set_type(req, mjpeg::kStreamContentType);
  if (res != ESP_OK) return res;
  httpd_resp_set_hdr(req, "Access-Control-Allow-Origin", "*");
  httpd_resp_set_hdr(req, "X-Framerate", "60");
  while (res == ESP_OK) {
    bool got = g_app->withFrame([&](const hal::Frame& f) {
      std::string head = mjpeg::partHeader(f.len, f.sec, f.usec);
      res = httpd_resp_send_chunk(req, mjpeg::kStreamBoundary, strlen(mjpeg::kStreamBoundary));
      if (res == ESP_OK) res = httpd_resp_send_chunk(req, head.data(), head.size());
      if (res == ESP_OK) res = httpd_resp_send_chunk(req, reinterpret_cast<const char*>(f.data), f.len);
    });
    if (!got) res = ESP_FAIL;
    vTaskDelay(pdMS_TO_TICKS(50));  // leave the camera to the gate between frames
  }
  return res;
}

void startWeb() {
  httpd_config_t cfg = HTTPD_DEFAULT_CONFIG();
  cfg.server_port = 80;
  cfg.max_uri_handlers = 8;
  cfg.lru_purge_enable = true;
  if (httpd_start(&g_http, &cfg) == ESP_OK) {
    httpd_uri_t uris[] = {
        {"/", HTTP_GET, indexHandler, nullptr},
        {"/status.json", HTTP_GET, statusHandler, nullptr},
        {"/capture", HTTP_GET, captureHandler, nullptr},
        {"/setup", HTTP_GET, indexHandler, nullptr},
        {"/setup", HTTP_POST, setupPostHandler, nullptr},
        {"/generate_204", HTTP_GET, indexHandler, nullptr},        // Android's captive-portal probe
        {"/hotspot-detect.html", HTTP_GET, indexHandler, nullptr}, // Apple's
    };
    for (auto& u : uris) logErr("httpd_register_uri_handler", httpd_register_uri_handler(g_http, &u));
  } else {
    g_log.log(Level::error, "http_server_failed", {{"port", 80}});
  }
  cfg.server_port = 81;
  cfg.ctrl_port += 1;
  if (httpd_start(&g_stream, &cfg) == ESP_OK) {
    httpd_uri_t s = {"/stream", HTTP_GET, streamHandler, nullptr};
    logErr("httpd_register_uri_handler", httpd_register_uri_handler(g_stream, &s));
  } else {
    g_log.log(Level::error, "http_server_failed", {{"port", 81}});
  }
}

// ------------------------------------------------------------------ tasks

void controlTask(void*) {
  logErr("esp_task_wdt_add", esp_task_wdt_add(nullptr));
  for (;;) {
    g_app->controlStep();
    if (g_setupMode) g_dns.processNextRequest();
    vTaskDelay(pdMS_TO_TICKS(10));
  }
}
void netTask(void*) {
  for (;;) {
    uint32_t wait = g_app->netStep();
    vTaskDelay(pdMS_TO_TICKS(wait ? wait : 1));
  }
}
void commandTask(void*) {
  for (;;) {
    uint32_t wait = g_app->commandStep();
    vTaskDelay(pdMS_TO_TICKS(wait ? wait : 1));
  }
}

void startSetupAccessPoint() {
  // the installer's password for the set-up network: random once, kept in NVS, shown on serial only
  std::string pass;
  if (!g_kv.getString("ap_pass", pass) || pass.size() < 8) {
    static const char* alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    for (int i = 0; i < 10; i++) pass += alphabet[esp_random() % 31];
    g_kv.setString("ap_pass", pass);
  }
  char ssid[32];
  snprintf(ssid, sizeof ssid, "SPMS-Gate-%04X", static_cast<unsigned>(ESP.getEfuseMac() & 0xFFFF));
  WiFi.mode(WIFI_AP);
  WiFi.softAP(ssid, pass.c_str());
  g_dns.start(53, "*", WiFi.softAPIP());
  g_log.log(Level::warn, "setup_mode", {{"ssid", ssid}, {"password", pass}, {"page", "http://192.168.4.1/"}});
}

}  // namespace

void start() {
  Serial.begin(115200);
  g_log.setSink([](Level, const std::string& line) { Serial.println(line.c_str()); });
  esp_task_wdt_config_t wdt = {};
  wdt.timeout_ms = 10000;
  wdt.idle_core_mask = 0;
  wdt.trigger_panic = true;  // a stuck control loop reboots the gate
  logErr("esp_task_wdt_reconfigure", esp_task_wdt_reconfigure(&wdt));

  if (!g_kv.begin()) g_log.log(Level::error, "nvs_failed", {{"what", "Preferences.begin"}});
  Settings s;
  loadSettings(g_kv, s);
  g_sensor.begin(s.sensor.kind);
  if (!g_barrier.begin()) g_log.log(Level::error, "servo_failed");
  bool camera = g_camera.begin();

  AppLimits limits;
  if (!psramFound()) {
    limits.ringItems = 4;
    limits.ringBytes = 200 * 1024;
  }
#ifdef SPMS_DEV_INSECURE_TLS
  g_app = new GateApp(g_platform, SPMS_FIRMWARE_VERSION, true, limits);
#else
  g_app = new GateApp(g_platform, SPMS_FIRMWARE_VERSION, false, limits);
#endif
  bool provisioned = g_app->begin();
  if (!camera) g_log.log(Level::error, "camera_failed", {{"why", "init failed: the gate holds every car for an operator"}});

  if (provisioned) {
    WiFi.mode(WIFI_STA);
    WiFi.setAutoReconnect(false);  // the net task rejoins, with backoff
    WiFi.setSleep(false);          // the stream and the long poll want the radio awake
    configTime(0, 0, s.ntpServer.c_str(), "time.google.com");  // UTC; the display is IST (core/timefmt)
  } else {
    g_setupMode = true;
    startSetupAccessPoint();
  }
  startWeb();
  xTaskCreatePinnedToCore(controlTask, "gate-ctl", 8192, nullptr, 5, nullptr, 1);
  xTaskCreatePinnedToCore(netTask, "gate-net", 12288, nullptr, 3, nullptr, 0);
  xTaskCreatePinnedToCore(commandTask, "gate-cmd", 10240, nullptr, 2, nullptr, 0);
}

void consoleLoop() {
  static std::string line;
  while (Serial.available()) {
    char c = static_cast<char>(Serial.read());
    if (c == '\n') {
      g_app->console().line(line);
      line.clear();
    } else if (c != '\r' && line.size() < 4096) {
      line += c;
    }
  }
  delay(20);
}

}  // namespace esp32
}  // namespace spms

#endif  // ARDUINO_ARCH_ESP32
