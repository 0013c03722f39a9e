// The SPMS gate API (src/routes/api/v1/gates): requests the gate sends and how it reads the
// answers. Every request is safe to repeat: a capture carries the gate's capture id as its
// Idempotency-Key, a command is acknowledged by id.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "http.h"

namespace spms {

enum class Decision { open, deny, hold };
const char* decisionName(Decision d);

/** `{"capture_id","decision","plate","confidence","reason","session_id","amount_due","display"}` */
struct CaptureAnswer {
  std::string serverCaptureId;
  Decision decision = Decision::hold;
  std::string plate;  // empty: none read
  double confidence = 0;
  std::string reason;
  std::string sessionId;
  int64_t amountDue = 0;  // paise
  std::string display;
  bool replayed = false;  // the server's Idempotent-Replayed: the first answer again
};

/** What the gate does with a capture after a request. */
enum class PostOutcome {
  decided,     // an answer for this capture: act on it, drop it from the queue
  retry,       // no usable answer (network, 5xx, 409/429, not JSON, cut off, another capture's): keep it, try later
  rejected,    // the server refused the capture for good (415, 413, 422): drop it, log it
  unauthorized // 401/403/404: the device key or gate id is wrong; keep it and tell the installer
};
const char* postOutcomeName(PostOutcome o);

struct PostResult {
  PostOutcome outcome = PostOutcome::retry;
  CaptureAnswer answer;
  uint32_t retryAfterMs = 0;
  std::string why;  // for the log
};

/** The capture POST for `captureId` taken at `capturedAtMs` (epoch). */
HttpRequest captureRequest(const std::string& gateId, const std::string& deviceKey, const std::string& captureId, int64_t capturedAtMs,
                           const uint8_t* jpeg, size_t len);
/** Reads the server's answer to the capture `sentId`. */
PostResult interpretCapture(const HttpResult& r, const std::string& sentId);

struct Command {
  std::string id;
  bool open = true;  // "open" or "close"
  std::string reason;
  std::string captureId;  // the server's capture id it resolves, if any
  int64_t issuedAt = 0, expiresAt = 0;
};

HttpRequest commandsRequest(const std::string& gateId, const std::string& deviceKey, unsigned waitSeconds);
/** `{"commands":[…]}` → commands. @returns false (with `why`) for anything else. */
bool parseCommands(const HttpResult& r, std::vector<Command>& out, std::string& why, uint32_t& retryAfterMs);
HttpRequest ackRequest(const std::string& gateId, const std::string& deviceKey, const std::string& commandId);
HttpRequest heartbeatRequest(const std::string& gateId, const std::string& deviceKey, const std::string& jsonBody);

/** Retry-After (seconds) of an answer, in ms (0 when absent or unreadable; capped at 10 min). */
uint32_t retryAfterMs(const HttpResponse& r);
/** The server's error code from `{"error":{"code","message"}}`, or "". */
std::string errorCode(const HttpResponse& r);

/** Percent-encodes a path segment (gate and command ids are plain, but nothing is assumed). */
std::string pathSegment(const std::string& s);

}  // namespace spms
