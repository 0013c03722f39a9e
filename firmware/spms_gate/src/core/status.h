// The gate's local page (port 80): Wi-Fi, server reachability, the barrier, the last decisions,
// the parking history of valid plates with IST times, and the live stream from port 81.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rings.h"

namespace spms {

struct StatusSnapshot {
  std::string firmware, gateId, ip, gateState, offlinePolicy, serverHost;
  bool wifiUp = false, serverReachable = false, barrierOpen = false, vehicleSensed = false, insecureTls = false, provisioned = false;
  bool sensorChattering = false;
  int rssi = 0;
  int64_t nowWallMs = 0, lastContactWallMs = 0;
  uint64_t uptimeMs = 0;
  size_t queued = 0, queuedBytes = 0, dropped = 0, freeHeap = 0, freePsram = 0;
  unsigned posted = 0, decided = 0, retries = 0, replayed = 0;
  std::vector<std::string> queuedIds;
  std::vector<DecisionRecord> decisions;  // oldest first
  std::vector<DecisionRecord> plates;     // valid plates only, oldest first
  std::vector<std::string> problems;
  uint16_t streamPort = 81;
};

/** Whether a decision's plate counts as a valid read for the history (not a hold for the read itself). */
bool isValidPlateRecord(const DecisionRecord& r);
std::string statusJson(const StatusSnapshot& s);
std::string statusHtml(const StatusSnapshot& s);
std::string htmlEscape(const std::string& s);

}  // namespace spms
