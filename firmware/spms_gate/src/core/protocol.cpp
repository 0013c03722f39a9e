#include "protocol.h"

#include <cstdlib>

#include "json.h"

namespace spms {

const char* decisionName(Decision d) {
  switch (d) {
    case Decision::open: return "open";
    case Decision::deny: return "deny";
    case Decision::hold: return "hold";
  }
  return "?";
}

const char* postOutcomeName(PostOutcome o) {
  switch (o) {
    case PostOutcome::decided: return "decided";
    case PostOutcome::retry: return "retry";
    case PostOutcome::rejected: return "rejected";
    case PostOutcome::unauthorized: return "unauthorized";
  }
  return "?";
}

std::string pathSegment(const std::string& s) {
  static const char* hx = "0123456789ABCDEF";
  std::string o;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') o += static_cast<char>(c);
    else { o += '%'; o += hx[c >> 4]; o += hx[c & 15]; }
  }
  return o;
}

static Headers authHeaders(const std::string& deviceKey) {
  return {{"Authorization", "Bearer " + deviceKey}, {"User-Agent", "spms-gate/1"}, {"Accept", "application/json"}};
}

HttpRequest captureRequest(const std::string& gateId, const std::string& deviceKey, const std::string& captureId, int64_t capturedAtMs,
                           const uint8_t* jpeg, size_t len) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/gates/" + pathSegment(gateId) + "/captures";
  r.headers = authHeaders(deviceKey);
  r.headers.emplace_back("Content-Type", "image/jpeg");
  r.headers.emplace_back("Idempotency-Key", captureId);
  r.headers.emplace_back("X-Capture-Time", std::to_string(capturedAtMs));
  r.body = jpeg;
  r.bodyLen = len;
  r.timeoutMs = 20000;  // the server reads the plate before answering
  return r;
}

uint32_t retryAfterMs(const HttpResponse& r) {
  const std::string* v = findHeader(r.headers, "retry-after");
  if (!v || v->empty() || v->size() > 6) return 0;
  for (char c : *v) if (c < '0' || c > '9') return 0;
  unsigned long s = std::strtoul(v->c_str(), nullptr, 10);
  if (s > 600) s = 600;
  return static_cast<uint32_t>(s * 1000);
}

std::string errorCode(const HttpResponse& r) {
  Json j;
  if (!parseJson(r.body, j) || !j.isObject()) return "";
  const Json* e = j.get("error");
  return e ? e->getString("code") : "";
}

PostResult interpretCapture(const HttpResult& r, const std::string& sentId) {
  PostResult p;
  if (!r.ok()) {
    p.outcome = PostOutcome::retry;
    p.why = std::string(httpFailureName(r.failure)) + (r.detail.empty() ? "" : ": " + r.detail);
    return p;
  }
  const HttpResponse& res = r.response;
  p.retryAfterMs = retryAfterMs(res);
  int s = res.status;
  if (s != 200) {
    std::string code = errorCode(res);
    p.why = "HTTP " + std::to_string(s) + (code.empty() ? "" : " " + code);
    if (s == 401 || s == 403 || s == 404) p.outcome = PostOutcome::unauthorized;
    else if (s == 413 || s == 415 || s == 422 || s == 400) p.outcome = PostOutcome::rejected;
    else p.outcome = PostOutcome::retry;  // 5xx, 408, 409 in progress, 429, anything unknown
    return p;
  }
  // the server echoes the Idempotency-Key: an answer for another capture (a confused proxy or
  // cache, a mixed-up connection) must not move this barrier
  const std::string* echoed = findHeader(res.headers, "idempotency-key");
  if (echoed && *echoed != sentId) {
    p.outcome = PostOutcome::retry;
    p.why = "answer for another capture (" + *echoed + ")";
    return p;
  }
  Json j;
  std::string err;
  if (!parseJson(res.body, j, &err)) {
    p.outcome = PostOutcome::retry;
    p.why = "answer is not JSON: " + err;
    return p;
  }
  if (!j.isObject()) {
    p.outcome = PostOutcome::retry;
    p.why = "answer is not a JSON object";
    return p;
  }
  const Json* d = j.get("decision");
  const Json* id = j.get("capture_id");
  if (!d || !d->isString() || !id || !id->isString() || id->str().empty()) {
    p.outcome = PostOutcome::retry;
    p.why = "answer without decision or capture_id";
    return p;
  }
  CaptureAnswer& a = p.answer;
  if (d->str() == "open") a.decision = Decision::open;
  else if (d->str() == "deny") a.decision = Decision::deny;
  else if (d->str() == "hold") a.decision = Decision::hold;
  else {
    p.outcome = PostOutcome::retry;
    p.why = "unknown decision '" + d->str() + "'";
    return p;
  }
  a.serverCaptureId = id->str();
  a.plate = j.getString("plate");
  a.confidence = j.getNumber("confidence");
  a.reason = j.getString("reason");
  a.sessionId = j.getString("session_id");
  a.amountDue = static_cast<int64_t>(j.getNumber("amount_due"));
  a.display = j.getString("display");
  const std::string* rep = findHeader(res.headers, "idempotent-replayed");
  a.replayed = rep && *rep == "true";
  p.outcome = PostOutcome::decided;
  return p;
}

HttpRequest commandsRequest(const std::string& gateId, const std::string& deviceKey, unsigned waitSeconds) {
  HttpRequest r;
  r.path = "/api/v1/gates/" + pathSegment(gateId) + "/commands?wait=" + std::to_string(waitSeconds);
  r.headers = authHeaders(deviceKey);
  r.timeoutMs = (waitSeconds + 15) * 1000;
  return r;
}

bool parseCommands(const HttpResult& r, std::vector<Command>& out, std::string& why, uint32_t& retryAfter) {
  out.clear();
  retryAfter = 0;
  if (!r.ok()) {
    why = std::string(httpFailureName(r.failure)) + (r.detail.empty() ? "" : ": " + r.detail);
    return false;
  }
  retryAfter = retryAfterMs(r.response);
  if (r.response.status != 200) {
    why = "HTTP " + std::to_string(r.response.status);
    return false;
  }
  Json j;
  std::string err;
  if (!parseJson(r.response.body, j, &err)) {
    why = "commands answer is not JSON: " + err;
    return false;
  }
  const Json* list = j.get("commands");
  if (!list || !list->isArray()) {
    why = "commands answer without a commands list";
    return false;
  }
  for (const Json& c : list->items()) {
    std::string id = c.getString("id");
    std::string cmd = c.getString("command");
    if (id.empty() || (cmd != "open" && cmd != "close")) {
      why = "a command without id or with an unknown command";
      out.clear();
      return false;
    }
    Command k;
    k.id = id;
    k.open = cmd == "open";
    k.reason = c.getString("reason");
    k.captureId = c.getString("capture_id");
    k.issuedAt = static_cast<int64_t>(c.getNumber("issued_at"));
    k.expiresAt = static_cast<int64_t>(c.getNumber("expires_at"));
    out.push_back(k);
  }
  return true;
}

HttpRequest ackRequest(const std::string& gateId, const std::string& deviceKey, const std::string& commandId) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/gates/" + pathSegment(gateId) + "/commands/" + pathSegment(commandId) + "/ack";
  r.headers = authHeaders(deviceKey);
  r.timeoutMs = 10000;
  return r;
}

HttpRequest heartbeatRequest(const std::string& gateId, const std::string& deviceKey, const std::string& jsonBody) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/api/v1/gates/" + pathSegment(gateId) + "/heartbeat";
  r.headers = authHeaders(deviceKey);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = reinterpret_cast<const uint8_t*>(jsonBody.data());
  r.bodyLen = jsonBody.size();
  r.timeoutMs = 10000;
  return r;
}

}  // namespace spms
