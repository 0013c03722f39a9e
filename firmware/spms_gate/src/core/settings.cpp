#include "settings.h"

#include <cctype>
#include <cstdlib>

#include "http.h"

namespace spms {

const std::vector<SettingKey>& settingKeys() {
  static const std::vector<SettingKey> keys = {
      {"wifi_ssid", "wifi_ssid", false, "Wi-Fi network name"},
      {"wifi_pass", "wifi_pass", true, "Wi-Fi password"},
      {"server_url", "server_url", false, "SPMS server, https://host[:port]"},
      {"gate_id", "gate_id", false, "this gate's id (admin → lots → gates)"},
      {"device_key", "device_key", true, "the gate's device key, spms_dk_…"},
      {"ota_url", "ota_url", false, "firmware manifest URL (default <server>/firmware/spms-gate.json)"},
      {"sensor", "sensor", false, "ir | ultrasonic"},
      {"near_cm", "near_cm", false, "ultrasonic: a vehicle is closer than this (cm)"},
      {"present_ms", "present_ms", false, "a vehicle must be seen this long to trigger a capture"},
      {"absent_ms", "absent_ms", false, "nothing seen this long: the vehicle has gone"},
      {"offline", "offline", false, "offline policy: hold | permits | open"},
      {"decision_ms", "decision_ms", false, "wait this long for the server before the offline policy"},
      {"open_ms", "open_ms", false, "close an open barrier nobody drove through after this"},
      {"clear_ms", "clear_ms", false, "close this long after the vehicle passed"},
      {"alarm_ms", "alarm_ms", false, "alarm when a vehicle stays under the open barrier this long"},
      {"ntp", "ntp", false, "NTP server"},
      {"dev_insecure", "dev_insecure", false, "DEVELOPMENT ONLY: 1 skips the certificate check (needs a SPMS_DEV_INSECURE_TLS build)"},
  };
  return keys;
}

static bool parseU32(const std::string& v, uint32_t lo, uint32_t hi, uint32_t& out) {
  if (v.empty() || v.size() > 9) return false;
  for (char c : v) if (c < '0' || c > '9') return false;
  unsigned long n = std::strtoul(v.c_str(), nullptr, 10);
  if (n < lo || n > hi) return false;
  out = static_cast<uint32_t>(n);
  return true;
}

std::string applySetting(Settings& s, const std::string& name, const std::string& value) {
  uint32_t n = 0;
  auto range = [&](uint32_t lo, uint32_t hi, uint32_t& field) -> std::string {
    if (!parseU32(value, lo, hi, n)) return name + ": a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    field = n;
    return "";
  };
  if (name == "wifi_ssid") { if (value.size() > 32) return "wifi_ssid: at most 32 characters"; s.wifiSsid = value; return ""; }
  if (name == "wifi_pass") { if (!value.empty() && (value.size() < 8 || value.size() > 63)) return "wifi_pass: 8 to 63 characters"; s.wifiPass = value; return ""; }
  if (name == "server_url") { s.serverUrl = value; return ""; }
  if (name == "gate_id") { s.gateId = value; return ""; }
  if (name == "device_key") { s.deviceKey = value; return ""; }
  if (name == "ota_url") { s.otaUrl = value; return ""; }
  if (name == "ca") { s.caPem = value; return ""; }
  if (name == "ntp") { s.ntpServer = value; return ""; }
  if (name == "sensor") {
    if (value == "ir") s.sensor.kind = SensorKind::irBeam;
    else if (value == "ultrasonic") s.sensor.kind = SensorKind::ultrasonic;
    else return "sensor: ir or ultrasonic";
    return "";
  }
  if (name == "near_cm") { uint32_t v = 0; std::string e = range(20, 400, v); if (e.empty()) s.sensor.nearCm = static_cast<int>(v); return e; }
  if (name == "present_ms") return range(20, 5000, s.sensor.presentMs);
  if (name == "absent_ms") return range(100, 10000, s.sensor.absentMs);
  if (name == "offline") return parseOfflinePolicy(value, s.offlinePolicy) ? "" : "offline: hold, permits or open";
  if (name == "decision_ms") return range(1000, 60000, s.timings.decisionWaitMs);
  if (name == "open_ms") return range(3000, 300000, s.timings.openNoVehicleMs);
  if (name == "clear_ms") return range(200, 30000, s.timings.clearMs);
  if (name == "alarm_ms") return range(5000, 3600000, s.timings.vehicleUnderBarrierAlarmMs);
  if (name == "dev_insecure") {
    if (value != "0" && value != "1") return "dev_insecure: 0 or 1";
    s.devInsecureTls = value == "1";
    return "";
  }
  return "unknown setting '" + name + "' (see help)";
}

static std::string rawSetting(const Settings& s, const std::string& name) {
  if (name == "wifi_ssid") return s.wifiSsid;
  if (name == "wifi_pass") return s.wifiPass;
  if (name == "server_url") return s.serverUrl;
  if (name == "gate_id") return s.gateId;
  if (name == "device_key") return s.deviceKey;
  if (name == "ota_url") return s.otaUrl;
  if (name == "ntp") return s.ntpServer;
  if (name == "sensor") return s.sensor.kind == SensorKind::irBeam ? "ir" : "ultrasonic";
  if (name == "near_cm") return std::to_string(s.sensor.nearCm);
  if (name == "present_ms") return std::to_string(s.sensor.presentMs);
  if (name == "absent_ms") return std::to_string(s.sensor.absentMs);
  if (name == "offline") return offlinePolicyName(s.offlinePolicy);
  if (name == "decision_ms") return std::to_string(s.timings.decisionWaitMs);
  if (name == "open_ms") return std::to_string(s.timings.openNoVehicleMs);
  if (name == "clear_ms") return std::to_string(s.timings.clearMs);
  if (name == "alarm_ms") return std::to_string(s.timings.vehicleUnderBarrierAlarmMs);
  if (name == "dev_insecure") return s.devInsecureTls ? "1" : "0";
  return "";
}

std::string showSetting(const Settings& s, const SettingKey& k) {
  std::string v = rawSetting(s, k.name);
  if (!k.secret || v.empty()) return v;
  return "****" + (v.size() > 8 ? v.substr(v.size() - 4) : std::string());
}

void loadSettings(hal::Kv& kv, Settings& s) {
  for (const auto& k : settingKeys()) {
    std::string v;
    if (kv.getString(k.nvs, v)) applySetting(s, k.name, v);
  }
  std::string ca;
  if (kv.getString("ca_pem", ca)) s.caPem = ca;
}

bool saveSettings(hal::Kv& kv, const Settings& s) {
  bool ok = true;
  for (const auto& k : settingKeys()) ok = kv.setString(k.nvs, rawSetting(s, k.name)) && ok;
  ok = kv.setString("ca_pem", s.caPem) && ok;
  return kv.commit() && ok;
}

static bool looksLikeDeviceKey(const std::string& k) {
  if (k.size() != 8 + 32 || k.compare(0, 8, "spms_dk_") != 0) return false;
  for (size_t i = 8; i < k.size(); i++) {
    char c = k[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

std::vector<std::string> validate(const Settings& s, bool devBuild) {
  std::vector<std::string> p;
  if (s.wifiSsid.empty()) p.push_back("wifi_ssid is not set");
  Url u;
  std::string err;
  if (s.serverUrl.empty()) p.push_back("server_url is not set");
  else if (!parseUrl(s.serverUrl, u, &err)) p.push_back("server_url: " + err);
  else if (!u.tls && !(devBuild && s.devInsecureTls)) p.push_back("server_url must be https:// (plain http only in a development build with dev_insecure 1)");
  if (s.gateId.empty() || s.gateId.size() > 64) p.push_back("gate_id is not set");
  if (!looksLikeDeviceKey(s.deviceKey)) p.push_back("device_key must look like spms_dk_ followed by 32 letters a-z and digits 2-7");
  bool needCa = u.tls && !(devBuild && s.devInsecureTls);
  if (needCa && s.caPem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) p.push_back("ca: paste the server's CA certificate (PEM) with the ca command");
  if (s.devInsecureTls && !devBuild) p.push_back("dev_insecure is set but this is not a development build: certificates are checked anyway");
  if (!s.otaUrl.empty() && !parseUrl(s.otaUrl, u, &err)) p.push_back("ota_url: " + err);
  return p;
}

std::string urlDecode(const std::string& s) {
  std::string o;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '+') o += ' ';
    else if (c == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      o += static_cast<char>(std::strtol(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else o += c;
  }
  return o;
}

std::map<std::string, std::string> parseForm(const std::string& body) {
  std::map<std::string, std::string> f;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    std::string pair = body.substr(pos, amp - pos);
    size_t eq = pair.find('=');
    if (!pair.empty()) f[urlDecode(pair.substr(0, eq))] = eq == std::string::npos ? "" : urlDecode(pair.substr(eq + 1));
    pos = amp + 1;
  }
  return f;
}

void Console::line(const std::string& raw) {
  std::string text = raw;
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (pastingCa_) {
    if (text == "." || (text.empty() && ca_.find("-----END CERTIFICATE-----") != std::string::npos)) {
      pastingCa_ = false;
      draft_.caPem = ca_;
      out_(ca_.find("-----BEGIN CERTIFICATE-----") == std::string::npos ? "ca: no certificate in what was pasted" : "ca: taken (save to keep it)");
      return;
    }
    ca_ += text + "\n";
    if (ca_.size() > 3900) {
      pastingCa_ = false;
      out_("ca: too long for NVS (3900 bytes at most)");
    }
    return;
  }
  if (text.empty()) return;
  size_t sp = text.find(' ');
  std::string cmd = text.substr(0, sp);
  std::string rest = sp == std::string::npos ? "" : text.substr(sp + 1);
  if (cmd == "help") {
    out_("commands: show | set KEY VALUE | ca (paste PEM, end with an empty line) | save | reboot | status");
    for (const auto& k : settingKeys()) out_(std::string("  ") + k.name + ": " + k.help);
  } else if (cmd == "show") {
    for (const auto& k : settingKeys()) out_(std::string(k.name) + " = " + showSetting(draft_, k));
    out_(std::string("ca = ") + (draft_.caPem.empty() ? "(none)" : std::to_string(draft_.caPem.size()) + " bytes"));
    for (const auto& p : validate(draft_, dev_)) out_("problem: " + p);
  } else if (cmd == "set") {
    size_t sp2 = rest.find(' ');
    std::string key = rest.substr(0, sp2);
    std::string value = sp2 == std::string::npos ? "" : rest.substr(sp2 + 1);
    std::string e = applySetting(draft_, key, value);
    out_(e.empty() ? key + ": set (save to keep it)" : e);
  } else if (cmd == "ca") {
    pastingCa_ = true;
    ca_.clear();
    out_("paste the CA certificate (PEM), then an empty line");
  } else if (cmd == "save") {
    auto problems = validate(draft_, dev_);
    for (const auto& p : problems) out_("problem: " + p);
    if (!saveSettings(kv_, draft_)) {
      out_("save: NVS write failed");
      return;
    }
    out_(problems.empty() ? "saved" : "saved, but the gate can't work until the problems above are fixed");
    if (onSaved) onSaved(draft_);
  } else if (cmd == "reboot") {
    out_("rebooting");
    if (onReboot) onReboot();
  } else if (cmd == "status") {
    out_(onStatus ? onStatus() : "{}");
  } else if (!(extra && extra(text))) {
    out_("unknown command '" + cmd + "' (help lists them)");
  }
}

}  // namespace spms

namespace spms {

std::vector<std::string> applyForm(Settings& s, const std::map<std::string, std::string>& form) {
  std::vector<std::string> errors;
  for (const auto& k : settingKeys()) {
    auto it = form.find(k.name);
    if (it == form.end()) continue;
    if (k.secret && it->second.empty()) continue;
    std::string e = applySetting(s, k.name, it->second);
    if (!e.empty()) errors.push_back(e);
  }
  auto ca = form.find("ca");
  if (ca != form.end() && !ca->second.empty()) {
    std::string pem;
    for (char c : ca->second)
      if (c != '\r') pem += c;
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) errors.push_back("ca: not a PEM certificate");
    else s.caPem = pem;
  }
  return errors;
}

static std::string esc(const std::string& v) {
  std::string o;
  for (char c : v) {
    if (c == '<') o += "&lt;";
    else if (c == '&') o += "&amp;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

std::string setupPageHtml(const Settings& s, const std::vector<std::string>& messages) {
  std::string h =
      "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'><title>SPMS gate set-up</title>"
      "<style>body{font:15px system-ui,sans-serif;margin:1em;max-width:40em}label{display:block;margin:.6em 0 .1em}input,select,textarea{width:100%}"
      ".m{color:#b00}</style></head><body><h1>SPMS gate set-up</h1>";
  for (const auto& m : messages) h += "<p class=m>" + esc(m) + "</p>";
  h += "<form method=post action=/setup>";
  for (const auto& k : settingKeys()) {
    std::string v = k.secret ? "" : showSetting(s, k);
    h += std::string("<label for=") + k.name + ">" + esc(k.help) + "</label><input id=" + k.name + " name=" + k.name +
         (k.secret ? " type=password placeholder='(unchanged)'" : "") + " value=\"" + esc(v) + "\">";
  }
  h += "<label for=ca>The server's CA certificate (PEM)</label><textarea id=ca name=ca rows=8 placeholder='-----BEGIN CERTIFICATE-----'></textarea>";
  h += "<p><button>Save and restart</button></p></form></body></html>";
  return h;
}

}  // namespace spms
