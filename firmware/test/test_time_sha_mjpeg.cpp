#include <doctest/doctest.h>

#include <cstring>

#include "../spms_gate/src/core/mjpeg.h"
#include "../spms_gate/src/core/sha256.h"
#include "../spms_gate/src/core/timefmt.h"

using namespace spms;

TEST_CASE("time: IST is UTC+05:30, across midnight, leap days and the epoch") {
  CHECK(formatIst(0) == "1970-01-01 05:30:00 IST");
  CHECK(formatIsoUtc(0) == "1970-01-01T00:00:00.000Z");
  // 2026-11-22T18:29:59Z is 23:59:59 IST; a second later it's the next day in India
  CHECK(formatIst(1795372199000LL) == "2026-11-22 23:59:59 IST");
  CHECK(formatIst(1795372200000LL) == "2026-11-23 00:00:00 IST");
  CHECK(formatIsoUtc(1795372199123LL) == "2026-11-22T18:29:59.123Z");
  CHECK(formatIst(1709164800000LL) == "2024-02-29 05:30:00 IST");  // 2024-02-29T00:00Z
  CHECK(formatIst(1740787199000LL) == "2025-03-01 05:29:59 IST");  // 2025-02-28T23:59:59Z
  CHECK(formatIstClock(1795372199000LL) == "23:59:59");
  CHECK(formatIsoUtc(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(!clockIsSet(5000));
  CHECK(clockIsSet(1795372199000LL));
}

TEST_CASE("sha256: FIPS 180-4 vectors, streamed in odd pieces") {
  Sha256 h;
  CHECK(h.hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  h.reset();
  h.update("abc");
  CHECK(h.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  h.reset();
  std::string s = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (size_t i = 0; i < s.size(); i += 7) h.update(s.substr(i, 7));
  CHECK(h.hexDigest() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  h.reset();
  std::string a(1000, 'a');
  for (int i = 0; i < 1000; i++) h.update(a);
  CHECK(h.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("mjpeg: CameraWebServer's wire format, read back part by part") {
  CHECK(std::string(mjpeg::kStreamContentType) == "multipart/x-mixed-replace;boundary=123456789000000000000987654321");
  CHECK(std::string(mjpeg::kStreamBoundary) == "\r\n--123456789000000000000987654321\r\n");
  CHECK(mjpeg::partHeader(1234, 17, 42) == "Content-Type: image/jpeg\r\nContent-Length: 1234\r\nX-Timestamp: 17.000042\r\n\r\n");
  CHECK(mjpeg::chunkSizeLine(255) == "ff\r\n");
  std::string head = mjpeg::streamResponseHead();
  CHECK(head.find("Content-Type: multipart/x-mixed-replace;boundary=123456789000000000000987654321\r\n") != std::string::npos);
  CHECK(head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(head.find("Access-Control-Allow-Origin: *\r\n") != std::string::npos);
  std::string cap = mjpeg::captureResponseHead(10, 5, 6);
  CHECK(cap.find("Content-Length: 10\r\n") != std::string::npos);
  CHECK(cap.find("X-Timestamp: 5.000006\r\n") != std::string::npos);
  CHECK(cap.find("Content-Disposition: inline; filename=capture.jpg\r\n") != std::string::npos);

  std::string body;
  std::string f1 = "\xFF\xD8 one \xFF\xD9", f2 = "\xFF\xD8 second frame \r\n--12345 \xFF\xD9";
  for (auto* f : {&f1, &f2}) body += mjpeg::kStreamBoundary + mjpeg::partHeader(f->size(), 1, 500000) + *f;
  mjpeg::StreamReader r;
  std::vector<mjpeg::Part> parts;
  for (size_t i = 0; i < body.size(); i += 5) REQUIRE(r.feed(reinterpret_cast<const uint8_t*>(body.data()) + i, std::min<size_t>(5, body.size() - i), parts));
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].contentType == "image/jpeg");
  CHECK(parts[1].timestamp == "1.500000");
  CHECK(std::string(parts[1].body.begin(), parts[1].body.end()) == f2);

  mjpeg::StreamReader bad;
  std::string noLength = std::string(mjpeg::kStreamBoundary) + "Content-Type: image/jpeg\r\n\r\nxx";
  CHECK(!bad.feed(reinterpret_cast<const uint8_t*>(noLength.data()), noLength.size(), parts));
}
