#include <doctest/doctest.h>

#include <set>

#include "../spms_gate/src/core/ota.h"
#include "../spms_gate/src/core/persist.h"
#include "../spms_gate/src/core/rings.h"
#include "../spms_gate/src/core/settings.h"
#include "../spms_gate/src/core/sha256.h"
#include "fakes.h"

using namespace spms;

static QueuedCapture cap(const std::string& id, size_t bytes) {
  QueuedCapture c;
  c.id = id;
  c.jpeg.assign(bytes, 0xAB);
  return c;
}

TEST_CASE("capture ring: bounded by count and bytes, oldest dropped, the waiting car's first") {
  CaptureRing r(3, 1000);
  CHECK(r.push(cap("a", 300)).empty());
  CHECK(r.push(cap("b", 300)).empty());
  CHECK(r.push(cap("c", 300)).empty());
  auto gone = r.push(cap("d", 300));
  REQUIRE(gone.size() == 1);
  CHECK(gone[0] == "a");
  CHECK(r.size() == 3);
  gone = r.push(cap("e", 700));  // needs room for 700 bytes
  CHECK(gone == std::vector<std::string>{"b", "c"});
  CHECK(r.bytes() == 1000);
  CHECK(r.dropped() == 3);
  QueuedCapture n;
  REQUIRE(r.next(n));
  CHECK(n.id == "d");
  REQUIRE(r.next(n, "e"));
  CHECK(n.id == "e");
  CHECK(r.remove("e"));
  CHECK(!r.remove("e"));
  CHECK(r.push(cap("huge", 5000)) == std::vector<std::string>{"huge"});
  CHECK(r.ids() == std::vector<std::string>{"d"});
}

TEST_CASE("capture ring: times taken before NTP are filled in once the clock is set") {
  CaptureRing r(5, 10000);
  QueuedCapture c = cap("x", 10);
  c.monoMs = 5000;
  r.push(std::move(c));
  r.backfillWall(65000, 1795372200000LL);
  QueuedCapture out;
  r.next(out);
  CHECK(out.wallMs == 1795372200000LL - 60000);
}

TEST_CASE("capture ids: unique across reboots, NVS written once per block, none when NVS fails") {
  fake::Kv kv;
  fake::System sys;
  std::set<std::string> seen;
  std::string epoch;
  for (int boot = 0; boot < 5; boot++) {
    kv.reboot();
    CaptureIds ids(kv, sys);
    REQUIRE(ids.begin());
    if (boot == 0) epoch = ids.epoch();
    CHECK(ids.epoch() == epoch);
    for (int i = 0; i < 40; i++) {
      std::string id = ids.next();
      CHECK(id.rfind(epoch + "-", 0) == 0);
      CHECK(seen.insert(id).second);
    }
  }
  CHECK(seen.size() == 200);
  kv.failWrites = true;
  CaptureIds ids(kv, sys);
  ids.begin();
  for (int i = 0; i < 40 && !ids.next().empty(); i++) {
  }
  CHECK(ids.next().empty());

  fake::Kv other;  // another board (or an erased one): another epoch, so no id of the old one repeats
  fake::System sys2;
  sys2.seed = 999;
  CaptureIds o(other, sys2);
  o.begin();
  CHECK(o.epoch() != epoch);
}

TEST_CASE("command ledger and permit cache survive a reboot") {
  fake::Kv kv;
  {
    CommandLedger l(kv, 3);
    l.begin();
    for (const char* id : {"c1", "c2", "c3", "c4"}) l.record(id);
    PermitCache p(kv);
    p.remember("KA01AB1234", 1000);
  }
  kv.reboot();
  CommandLedger l(kv, 3);
  l.begin();
  CHECK(!l.ran("c1"));
  CHECK(l.ran("c4"));
  PermitCache p(kv);
  p.begin();
  CHECK(p.allows("KA01AB1234", 2000, 5000));
  CHECK(!p.allows("KA01AB1234", 9000, 5000));
  CHECK(!p.allows("MH12XY0001", 2000, 5000));
}

TEST_CASE("settings: the console provisions, masks secrets, validates, and saves to NVS") {
  fake::Kv kv;
  std::vector<std::string> out;
  Settings saved;
  bool didSave = false;
  Console c(kv, Settings(), false, [&](const std::string& l) { out.push_back(l); });
  c.onSaved = [&](const Settings& s) {
    saved = s;
    didSave = true;
  };
  for (const char* line : {"set wifi_ssid Lot 7 Wi-Fi", "set wifi_pass hunter22hunter", "set server_url https://spms.example.com", "set gate_id g1",
                           "set device_key spms_dk_abcdefghijklmnopqrstuvwxyz234567", "set offline permits", "set clear_ms 900", "set sensor laser",
                           "ca", "-----BEGIN CERTIFICATE-----", "MIIBxx", "-----END CERTIFICATE-----", "", "show", "save"})
    c.line(line);
  REQUIRE(didSave);
  CHECK(saved.wifiSsid == "Lot 7 Wi-Fi");
  CHECK(saved.offlinePolicy == OfflinePolicy::permits);
  CHECK(saved.timings.clearMs == 900);
  CHECK(saved.caPem.find("MIIBxx") != std::string::npos);
  CHECK(validate(saved, false).empty());
  bool refusedLaser = false, masked = false, leaked = false;
  for (auto& l : out) {
    refusedLaser |= l.find("sensor: ir or ultrasonic") != std::string::npos;
    masked |= l == "device_key = ****4567";
    leaked |= l.find("hunter22") != std::string::npos || l.find("abcdefghijklmnop") != std::string::npos;
  }
  CHECK(refusedLaser);
  CHECK(masked);
  CHECK(!leaked);
  Settings back;
  loadSettings(kv, back);
  CHECK(back.deviceKey == saved.deviceKey);
  CHECK(back.caPem == saved.caPem);
}

TEST_CASE("settings: plain http and a missing CA are refused outside development builds") {
  Settings s;
  s.wifiSsid = "x";
  s.serverUrl = "http://10.0.0.2:3000";
  s.gateId = "g";
  s.deviceKey = fake::kKey;
  s.devInsecureTls = true;
  auto p = validate(s, false);
  CHECK(p.size() == 2);  // plain http, and dev_insecure ignored
  CHECK(validate(s, true).empty());
  s.serverUrl = "https://x";
  s.devInsecureTls = false;
  CHECK(validate(s, true).size() == 1);
  s.deviceKey = "spms_dk_short";
  CHECK(validate(s, true).size() == 2);
}

TEST_CASE("settings: the set-up page's form") {
  Settings s;
  s.deviceKey = fake::kKey;
  auto form = parseForm("wifi_ssid=Lot+7&server_url=https%3A%2F%2Fspms.example.com&device_key=&ca=-----BEGIN+CERTIFICATE-----%0D%0AMII%0D%0A-----END+CERTIFICATE-----&offline=maybe");
  auto errors = applyForm(s, form);
  CHECK(s.wifiSsid == "Lot 7");
  CHECK(s.serverUrl == "https://spms.example.com");
  CHECK(s.deviceKey == fake::kKey);  // an empty secret keeps the stored one
  CHECK(s.caPem == "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("offline") == 0);
  std::string page = setupPageHtml(s, errors);
  CHECK(page.find(fake::kKey) == std::string::npos);
  CHECK(page.find("Lot 7") != std::string::npos);
}

TEST_CASE("ota: a newer image with the manifest's checksum is written; a corrupted one is refused") {
  fake::Clock clock;
  fake::Transport t(clock);
  fake::Ota ota;
  Logger log;
  HttpClient http(t, clock);
  std::string image(5000, 'x');
  image[100] = 'y';
  Sha256 h;
  h.update(image);
  std::string sum = h.hexDigest();
  auto manifest = [&](const std::string& version, const std::string& sha) {
    return fake::http(200, "{\"version\":\"" + version + "\",\"url\":\"/firmware/spms-gate.bin\",\"size\":5000,\"sha256\":\"" + sha + "\"}");
  };
  const char* url = "https://spms.example.com/firmware/spms-gate.json";

  t.script.push_back({hal::NetError::none, "", manifest("1.0.0", sum)});
  CHECK(runOta(http, ota, log, url, fake::kKey, fake::kCa, false, "1.0.0") == OtaResult::upToDate);
  CHECK(!ota.begun);

  t.script.push_back({hal::NetError::none, "", manifest("1.10.0", sum)});
  t.script.push_back({hal::NetError::none, "", fake::http(200, image, "", "application/octet-stream")});
  CHECK(runOta(http, ota, log, url, fake::kKey, fake::kCa, false, "1.9.3") == OtaResult::updated);
  CHECK(ota.finished);
  CHECK(ota.written == image);

  fake::Ota bad;
  std::string corrupt = image;
  corrupt[4000] ^= 1;
  t.script.push_back({hal::NetError::none, "", manifest("2.0.0", sum)});
  t.script.push_back({hal::NetError::none, "", fake::http(200, corrupt, "", "application/octet-stream")});
  CHECK(runOta(http, bad, log, url, fake::kKey, fake::kCa, false, "1.9.3") == OtaResult::rejected);
  CHECK(bad.aborted);
  CHECK(!bad.finished);

  fake::Ota truncated;
  t.script.push_back({hal::NetError::none, "", manifest("2.0.0", sum)});
  std::string cut = fake::http(200, image, "", "application/octet-stream");
  t.script.push_back({hal::NetError::none, "", cut.substr(0, cut.size() - 10)});
  CHECK(runOta(http, truncated, log, url, fake::kKey, fake::kCa, false, "1.9.3") == OtaResult::failed);
  CHECK(truncated.aborted);
  CHECK(!truncated.finished);

  fake::Ota elsewhere;
  t.script.push_back({hal::NetError::none, "", fake::http(200, "{\"version\":\"3.0.0\",\"url\":\"https://evil.example.net/x.bin\",\"size\":5000,\"sha256\":\"" + sum + "\"}")});
  CHECK(runOta(http, elsewhere, log, url, fake::kKey, fake::kCa, false, "1.9.3") == OtaResult::rejected);
  CHECK(!elsewhere.begun);

  CHECK(compareVersions("1.10.0", "1.9.9") > 0);
  CHECK(compareVersions("1.2", "1.2.0") == 0);
  CHECK(defaultOtaUrl("https://spms.example.com/") == "https://spms.example.com/firmware/spms-gate.json");
}
