#include "status.h"

#include "json.h"
#include "timefmt.h"

namespace spms {

bool isValidPlateRecord(const DecisionRecord& r) {
  return !r.plate.empty() && r.reason != "no_plate" && r.reason != "low_confidence" && r.reason != "unreadable";
}

std::string htmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

static std::string recordJson(const DecisionRecord& r) {
  std::string o = "{\"capture_id\":" + jsonQuote(r.captureId) + ",\"server_capture_id\":" + jsonQuote(r.serverCaptureId) +
                  ",\"decision\":" + jsonQuote(decisionName(r.decision)) + ",\"reason\":" + jsonQuote(r.reason) +
                  ",\"plate\":" + (r.plate.empty() ? std::string("null") : jsonQuote(r.plate)) + ",\"display\":" + jsonQuote(r.display) +
                  ",\"at\":" + std::to_string(r.wallMs) + ",\"at_ist\":" + jsonQuote(clockIsSet(r.wallMs) ? formatIst(r.wallMs) : "") +
                  ",\"acted\":" + (r.acted ? "true" : "false") + "}";
  return o;
}

std::string statusJson(const StatusSnapshot& s) {
  std::string o = "{";
  auto str = [&](const char* k, const std::string& v) { o += jsonQuote(k) + ":" + jsonQuote(v) + ","; };
  auto num = [&](const char* k, long long v) { o += jsonQuote(k) + ":" + std::to_string(v) + ","; };
  auto flag = [&](const char* k, bool v) { o += jsonQuote(k) + ":" + (v ? "true" : "false") + ","; };
  str("firmware", s.firmware);
  str("gate_id", s.gateId);
  flag("provisioned", s.provisioned);
  flag("wifi_up", s.wifiUp);
  num("rssi", s.rssi);
  str("ip", s.ip);
  str("server", s.serverHost);
  flag("server_reachable", s.serverReachable);
  num("last_contact_at", s.lastContactWallMs);
  flag("insecure_tls", s.insecureTls);
  str("gate_state", s.gateState);
  flag("barrier_open", s.barrierOpen);
  flag("vehicle_sensed", s.vehicleSensed);
  flag("sensor_chattering", s.sensorChattering);
  str("offline_policy", s.offlinePolicy);
  num("now", s.nowWallMs);
  str("now_ist", clockIsSet(s.nowWallMs) ? formatIst(s.nowWallMs) : "");
  num("uptime_ms", static_cast<long long>(s.uptimeMs));
  num("queued", static_cast<long long>(s.queued));
  num("queued_bytes", static_cast<long long>(s.queuedBytes));
  num("dropped", static_cast<long long>(s.dropped));
  num("posted", s.posted);
  num("decided", s.decided);
  num("retries", s.retries);
  num("replayed", s.replayed);
  num("free_heap", static_cast<long long>(s.freeHeap));
  num("free_psram", static_cast<long long>(s.freePsram));
  o += "\"queued_ids\":[";
  for (size_t i = 0; i < s.queuedIds.size(); i++) o += (i ? "," : "") + jsonQuote(s.queuedIds[i]);
  o += "],\"decisions\":[";
  for (size_t i = 0; i < s.decisions.size(); i++) o += (i ? "," : "") + recordJson(s.decisions[i]);
  o += "],\"plates\":[";
  for (size_t i = 0; i < s.plates.size(); i++) o += (i ? "," : "") + recordJson(s.plates[i]);
  o += "],\"problems\":[";
  for (size_t i = 0; i < s.problems.size(); i++) o += (i ? "," : "") + jsonQuote(s.problems[i]);
  o += "]}";
  return o;
}

std::string statusHtml(const StatusSnapshot& s) {
  std::string h =
      "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'>"
      "<title>SPMS gate</title><style>body{font:15px system-ui,sans-serif;margin:1em;max-width:60em}table{border-collapse:collapse}"
      "td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}.bad{color:#b00}.ok{color:#070}img{max-width:100%}</style>"
      "<meta http-equiv=refresh content=10></head><body><h1>SPMS gate " + htmlEscape(s.gateId) + "</h1>";
  if (s.insecureTls) h += "<p class=bad><b>DEVELOPMENT BUILD: server certificates are NOT checked.</b></p>";
  for (const auto& p : s.problems) h += "<p class=bad>Set-up: " + htmlEscape(p) + "</p>";
  auto yes = [](bool b, const char* y, const char* n) { return std::string("<span class=") + (b ? "ok>" : "bad>") + (b ? y : n) + "</span>"; };
  h += "<table><tr><th>Time</th><td>" + htmlEscape(clockIsSet(s.nowWallMs) ? formatIst(s.nowWallMs) : "not set yet (NTP)") + "</td></tr>";
  h += "<tr><th>Wi-Fi</th><td>" + yes(s.wifiUp, "connected", "down") + " " + htmlEscape(s.ip) + " (" + std::to_string(s.rssi) + " dBm)</td></tr>";
  h += "<tr><th>Server</th><td>" + yes(s.serverReachable, "reachable", "unreachable") + " " + htmlEscape(s.serverHost);
  if (clockIsSet(s.lastContactWallMs)) h += ", last contact " + htmlEscape(formatIst(s.lastContactWallMs));
  h += "</td></tr><tr><th>Barrier</th><td>" + std::string(s.barrierOpen ? "UP" : "down") + " (" + htmlEscape(s.gateState) + ")" +
       (s.vehicleSensed ? ", vehicle sensed" : "") + (s.sensorChattering ? " <span class=bad>sensor chattering</span>" : "") + "</td></tr>";
  h += "<tr><th>Waiting to send</th><td>" + std::to_string(s.queued) + " captures (" + std::to_string(s.dropped) + " dropped when full)</td></tr>";
  h += "<tr><th>Offline policy</th><td>" + htmlEscape(s.offlinePolicy) + "</td></tr>";
  h += "<tr><th>Firmware</th><td>" + htmlEscape(s.firmware) + "</td></tr></table>";
  h += "<h2>Live</h2><img id=live alt='live stream' width=640><script>document.getElementById('live').src=location.protocol+'//'+location.hostname+':" +
       std::to_string(s.streamPort) + "/stream'</script>";
  h += "<h2>Last decisions</h2><table><tr><th>Time (IST)</th><th>Plate</th><th>Decision</th><th>Reason</th><th>Shown</th></tr>";
  for (auto it = s.decisions.rbegin(); it != s.decisions.rend(); ++it)
    h += "<tr><td>" + htmlEscape(clockIsSet(it->wallMs) ? formatIst(it->wallMs) : "") + "</td><td>" + htmlEscape(it->plate.empty() ? "—" : it->plate) +
         "</td><td>" + decisionName(it->decision) + (it->acted ? "" : " (late)") + "</td><td>" + htmlEscape(it->reason) + "</td><td>" + htmlEscape(it->display) + "</td></tr>";
  h += "</table><h2>Parking history (valid plates)</h2><table><tr><th>Time (IST)</th><th>Plate</th><th>Decision</th></tr>";
  for (auto it = s.plates.rbegin(); it != s.plates.rend(); ++it)
    h += "<tr><td>" + htmlEscape(clockIsSet(it->wallMs) ? formatIst(it->wallMs) : "") + "</td><td>" + htmlEscape(it->plate) + "</td><td>" +
         decisionName(it->decision) + " " + htmlEscape(it->reason) + "</td></tr>";
  h += "</table><p><a href=/status.json>status.json</a> · <a href=/capture>capture</a></p></body></html>";
  return h;
}

}  // namespace spms
