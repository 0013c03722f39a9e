// SHA-256 (FIPS 180-4), streaming, for checking OTA images against the manifest's checksum.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace spms {

class Sha256 {
 public:
  Sha256() { reset(); }
  void reset();
  void update(const uint8_t* data, size_t len);
  void update(const std::string& s) { update(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
  /** The digest as 64 lower-case hex digits; the object must be reset before reuse. */
  std::string hexDigest();

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t used_;
  uint64_t bits_;
};

}  // namespace spms
