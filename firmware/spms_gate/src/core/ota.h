// Over-the-air updates from the server: a manifest {"version","url","size","sha256"} and the image
// it names, streamed into the spare partition while hashed; an image whose size or SHA-256 is not
// the manifest's is refused (aborted, never marked bootable). Authenticity rests on the TLS
// connection to the provisioned CA; the checksum catches a corrupted or truncated download.
#pragma once
#include <cstddef>
#include <string>

#include "../hal/hal.h"
#include "http.h"
#include "log.h"

namespace spms {

struct OtaManifest {
  std::string version, url, sha256;
  size_t size = 0;
};

bool parseManifest(const std::string& body, OtaManifest& m, std::string& why);
/** Numeric dotted versions: <0, 0, >0 (like strcmp); "1.10.0" is after "1.9.3". */
int compareVersions(const std::string& a, const std::string& b);
/** The manifest URL for a server when none is provisioned. */
std::string defaultOtaUrl(const std::string& serverUrl);

enum class OtaResult { upToDate, updated, failed, rejected };
const char* otaResultName(OtaResult r);

/**
 * Checks the manifest and, when it names a newer version, downloads and verifies the image.
 * `updated`: the new image is written and marked for the next boot (the caller restarts when the
 * gate is idle). The image must be on the manifest's host (the same CA vouches for it).
 */
OtaResult runOta(HttpClient& http, hal::OtaWriter& writer, Logger& log, const std::string& manifestUrl, const std::string& deviceKey,
                 const std::string& caPem, bool insecureDev, const std::string& currentVersion);

}  // namespace spms
