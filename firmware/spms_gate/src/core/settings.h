// Provisioning: what an installer sets once (Wi-Fi, server URL, gate id, device key, the server's
// CA certificate, the sensor and the offline policy), kept in NVS and set through the serial
// console or the soft-AP set-up page. Nothing secret is compiled in.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../hal/hal.h"
#include "gate.h"
#include "sensor.h"

namespace spms {

struct Settings {
  std::string wifiSsid, wifiPass;
  std::string serverUrl;  // https://spms.example.com
  std::string gateId, deviceKey;
  std::string caPem;      // the CA certificate(s) the server's chain ends in
  std::string otaUrl;     // manifest; default <server>/firmware/spms-gate.json
  bool devInsecureTls = false;  // only honoured by builds with SPMS_DEV_INSECURE_TLS (development)
  SensorConfig sensor;
  OfflinePolicy offlinePolicy = OfflinePolicy::hold;
  GateTimings timings;
  std::string ntpServer = "pool.ntp.org";
};

/** What's wrong with `s`, one message per problem (empty: usable). */
std::vector<std::string> validate(const Settings& s, bool devBuild);

/** The NVS keys (≤ 15 characters) and what `set` calls them. */
struct SettingKey {
  const char* name;  // console / form name
  const char* nvs;
  bool secret;
  const char* help;
};
const std::vector<SettingKey>& settingKeys();

void loadSettings(hal::Kv& kv, Settings& s);
bool saveSettings(hal::Kv& kv, const Settings& s);
/** Applies one named setting from text. @returns "" or the reason it was refused. */
std::string applySetting(Settings& s, const std::string& name, const std::string& value);
/** A setting as shown to an installer: secrets masked ("••••1234"). */
std::string showSetting(const Settings& s, const SettingKey& k);

/** `application/x-www-form-urlencoded` → fields. */
std::map<std::string, std::string> parseForm(const std::string& body);
std::string urlDecode(const std::string& s);

/**
 * The serial console: `help`, `show`, `set KEY VALUE`, `ca` (then paste the PEM; it ends at the
 * END CERTIFICATE line of the last certificate followed by an empty line, or `.`), `save`,
 * `reboot`, `status`. Settings apply after `save` (they are written to NVS first).
 */
class Console {
 public:
  using Out = std::function<void(const std::string&)>;
  Console(hal::Kv& kv, const Settings& current, bool devBuild, Out out) : kv_(kv), dev_(devBuild), out_(std::move(out)), draft_(current) {}
  /** Starts editing from `current` (the settings loaded from NVS). */
  void reset(const Settings& current) { draft_ = current; }
  /** One line typed (without its newline). Other commands (`sim …` on the host) go to `extra`. */
  void line(const std::string& text);
  /** The saved settings, to apply (Wi-Fi, server, CA) without a reboot. */
  std::function<void(const Settings&)> onSaved;
  std::function<void()> onReboot;
  std::function<std::string()> onStatus;
  std::function<bool(const std::string&)> extra;

 private:
  hal::Kv& kv_;
  bool dev_;
  Out out_;
  Settings draft_;
  bool pastingCa_ = false;
  std::string ca_;
};

}  // namespace spms

namespace spms {
/**
 * The set-up page's form (soft-AP captive page): every named setting, plus `ca` (the PEM).
 * Empty secret fields keep the stored secret. @returns the refused fields' messages.
 */
std::vector<std::string> applyForm(Settings& s, const std::map<std::string, std::string>& form);
/** The set-up page itself (secrets never echoed back). */
std::string setupPageHtml(const Settings& s, const std::vector<std::string>& messages);
}  // namespace spms
