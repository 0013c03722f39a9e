// Wall-clock formatting without the C library's time zone machinery: IST is UTC+05:30 all year
// (India has no daylight saving), so the display is exact without a TZ database.
#pragma once
#include <cstdint>
#include <string>

namespace spms {

struct CivilTime {
  int year, month, day, hour, minute, second, millis;
};

/** Days since 1970-01-01 → proleptic Gregorian date (Howard Hinnant's algorithm). */
void civilFromDays(int64_t days, int& y, int& m, int& d);
/** `epochMs` as civil time at `offsetMinutes` east of UTC. */
CivilTime civilAt(int64_t epochMs, int offsetMinutes);

constexpr int kIstOffsetMinutes = 330;

/** "2026-11-22 14:05:09 IST" */
std::string formatIst(int64_t epochMs);
/** "14:05:09" (IST) for short history lines. */
std::string formatIstClock(int64_t epochMs);
/** "2026-11-22T08:35:09.123Z" (what the server's X-Capture-Time accepts). */
std::string formatIsoUtc(int64_t epochMs);
/** The earliest wall clock a synced device can show: anything before is "not set yet". */
constexpr int64_t kClockSaneAfterMs = 1704067200000LL;  // 2024-01-01T00:00:00Z
inline bool clockIsSet(int64_t epochMs) { return epochMs >= kClockSaneAfterMs; }

}  // namespace spms
