#include "ota.h"

#include <cctype>
#include <cstdlib>

#include "json.h"
#include "sha256.h"

namespace spms {

const char* otaResultName(OtaResult r) {
  switch (r) {
    case OtaResult::upToDate: return "up_to_date";
    case OtaResult::updated: return "updated";
    case OtaResult::failed: return "failed";
    case OtaResult::rejected: return "rejected";
  }
  return "?";
}

bool parseManifest(const std::string& body, OtaManifest& m, std::string& why) {
  Json j;
  if (!parseJson(body, j, &why)) {
    why = "manifest is not JSON: " + why;
    return false;
  }
  m.version = j.getString("version");
  m.url = j.getString("url");
  m.sha256 = j.getString("sha256");
  double size = j.getNumber("size", -1);
  if (m.version.empty() || m.url.empty()) { why = "manifest without version or url"; return false; }
  if (m.sha256.size() != 64) { why = "manifest sha256 must be 64 hex digits"; return false; }
  for (char& c : m.sha256) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) { why = "manifest sha256 must be 64 hex digits"; return false; }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (size <= 0 || size > 4 * 1024 * 1024) { why = "manifest size missing or too large"; return false; }
  m.size = static_cast<size_t>(size);
  return true;
}

int compareVersions(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    long x = 0, y = 0;
    while (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) x = x * 10 + (a[i++] - '0');
    while (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) y = y * 10 + (b[j++] - '0');
    if (x != y) return x < y ? -1 : 1;
    if (i < a.size()) i++;  // the dot (or anything else)
    if (j < b.size()) j++;
  }
  return 0;
}

std::string defaultOtaUrl(const std::string& serverUrl) {
  std::string s = serverUrl;
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s + "/firmware/spms-gate.json";
}

static std::string pathOf(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

OtaResult runOta(HttpClient& http, hal::OtaWriter& writer, Logger& log, const std::string& manifestUrl, const std::string& deviceKey,
                 const std::string& caPem, bool insecureDev, const std::string& currentVersion) {
  Url mu;
  std::string why;
  if (!parseUrl(manifestUrl, mu, &why)) {
    log.log(Level::error, "ota_failed", {{"why", "bad manifest url: " + why}});
    return OtaResult::failed;
  }
  Url origin = mu;
  origin.path = "/";
  http.configure(origin, caPem, insecureDev);
  HttpRequest req;
  req.path = pathOf(manifestUrl);
  req.headers = {{"Authorization", "Bearer " + deviceKey}, {"Accept", "application/json"}};
  req.timeoutMs = 15000;
  HttpResult r = http.send(req);
  if (!r.ok()) {
    log.log(Level::warn, "ota_failed", {{"why", std::string("manifest: ") + httpFailureName(r.failure) + " " + r.detail}});
    return OtaResult::failed;
  }
  if (r.response.status == 404) return OtaResult::upToDate;  // nothing published
  if (r.response.status != 200) {
    log.log(Level::warn, "ota_failed", {{"why", "manifest: HTTP " + std::to_string(r.response.status)}});
    return OtaResult::failed;
  }
  OtaManifest m;
  if (!parseManifest(r.response.body, m, why)) {
    log.log(Level::error, "ota_rejected", {{"why", why}});
    return OtaResult::rejected;
  }
  if (compareVersions(m.version, currentVersion) <= 0) return OtaResult::upToDate;

  std::string imagePath;
  if (m.url[0] == '/') {
    imagePath = m.url;
  } else {
    Url iu;
    if (!parseUrl(m.url, iu, &why) || iu.host != mu.host || iu.port != mu.port || iu.tls != mu.tls) {
      log.log(Level::error, "ota_rejected", {{"why", "the image must be on the manifest's server"}, {"url", m.url}});
      return OtaResult::rejected;
    }
    imagePath = pathOf(m.url);
  }
  if (!writer.begin(m.size)) {
    log.log(Level::error, "ota_failed", {{"why", "no room for the image (partition scheme?)"}});
    return OtaResult::failed;
  }
  Sha256 sha;
  size_t got = 0;
  bool writeFailed = false;
  HttpRequest img;
  img.path = imagePath;
  img.headers = {{"Authorization", "Bearer " + deviceKey}};
  img.timeoutMs = 120000;
  img.bodySink = [&](const uint8_t* p, size_t n) {
    got += n;
    if (got > m.size) return false;
    sha.update(p, n);
    if (!writer.write(p, n)) {
      writeFailed = true;
      return false;
    }
    return true;
  };
  HttpResult ir = http.send(img);
  std::string digest = sha.hexDigest();
  if (!ir.ok() || ir.response.status != 200 || writeFailed || got != m.size || digest != m.sha256) {
    writer.abort();
    bool corrupt = ir.ok() && ir.response.status == 200 && !writeFailed;
    std::string reason = !ir.ok() ? std::string("download ") + httpFailureName(ir.failure)
                         : ir.response.status != 200 ? "download HTTP " + std::to_string(ir.response.status)
                         : writeFailed ? std::string("flash write failed")
                         : got != m.size ? "size " + std::to_string(got) + " is not " + std::to_string(m.size)
                                         : "sha256 " + digest + " is not the manifest's";
    log.log(corrupt || got > m.size ? Level::error : Level::warn, corrupt || got > m.size ? "ota_rejected" : "ota_failed", {{"version", m.version}, {"why", reason}});
    return corrupt || got > m.size ? OtaResult::rejected : OtaResult::failed;
  }
  if (!writer.finish()) {
    log.log(Level::error, "ota_failed", {{"why", "the new image was not accepted by the bootloader"}});
    return OtaResult::failed;
  }
  log.log(Level::info, "ota_updated", {{"version", m.version}, {"sha256", digest}});
  return OtaResult::updated;
}

}  // namespace spms
