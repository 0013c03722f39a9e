#include "timefmt.h"

#include <cstdio>

namespace spms {

void civilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

static int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

CivilTime civilAt(int64_t epochMs, int offsetMinutes) {
  int64_t ms = epochMs + static_cast<int64_t>(offsetMinutes) * 60000;
  int64_t days = floorDiv(ms, 86400000);
  int64_t rem = ms - days * 86400000;
  CivilTime t{};
  civilFromDays(days, t.year, t.month, t.day);
  t.hour = static_cast<int>(rem / 3600000);
  t.minute = static_cast<int>(rem / 60000 % 60);
  t.second = static_cast<int>(rem / 1000 % 60);
  t.millis = static_cast<int>(rem % 1000);
  return t;
}

std::string formatIst(int64_t epochMs) {
  CivilTime t = civilAt(epochMs, kIstOffsetMinutes);
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02d %02d:%02d:%02d IST", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return b;
}

std::string formatIstClock(int64_t epochMs) {
  CivilTime t = civilAt(epochMs, kIstOffsetMinutes);
  char b[16];
  std::snprintf(b, sizeof b, "%02d:%02d:%02d", t.hour, t.minute, t.second);
  return b;
}

std::string formatIsoUtc(int64_t epochMs) {
  CivilTime t = civilAt(epochMs, 0);
  char b[40];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.year, t.month, t.day, t.hour, t.minute, t.second, t.millis);
  return b;
}

}  // namespace spms
