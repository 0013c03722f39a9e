// The wire format of Espressif's CameraWebServer example (arduino-esp32, app_httpd.cpp), which
// the PWA's tablet view and the server's relay read: `/stream` on port 81 is
// `multipart/x-mixed-replace;boundary=123456789000000000000987654321`, each frame sent as
// "\r\n--BOUNDARY\r\n", then the part header (Content-Type, Content-Length, X-Timestamp), then the
// JPEG, each of the three as one HTTP/1.1 chunk (ESP-IDF's httpd_resp_send_chunk).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spms {
namespace mjpeg {

#define SPMS_PART_BOUNDARY "123456789000000000000987654321"
constexpr const char* kBoundary = SPMS_PART_BOUNDARY;
constexpr const char* kStreamContentType = "multipart/x-mixed-replace;boundary=" SPMS_PART_BOUNDARY;
constexpr const char* kStreamBoundary = "\r\n--" SPMS_PART_BOUNDARY "\r\n";

/** "Content-Type: image/jpeg\r\nContent-Length: N\r\nX-Timestamp: S.UUUUUU\r\n\r\n" */
std::string partHeader(size_t jpegLen, long sec, long usec);
/** "S.UUUUUU", the X-Timestamp of /capture and of each stream part (the frame's capture time). */
std::string timestamp(long sec, long usec);

/** ESP-IDF httpd's head for a chunked answer (httpd_resp_send_chunk): the stream's. */
std::string streamResponseHead();
/** ESP-IDF httpd's head for /capture (httpd_resp_send with the example's headers). */
std::string captureResponseHead(size_t jpegLen, long sec, long usec);
/** One HTTP/1.1 chunk around `len` bytes: returns the size line; the caller writes data then "\r\n". */
std::string chunkSizeLine(size_t len);

/** A frame read back from a stream (tests, and the server relay's expectations). */
struct Part {
  std::string contentType;
  size_t contentLength = 0;
  std::string timestamp;
  std::vector<uint8_t> body;
};

/**
 * Reads the multipart body (after HTTP de-chunking) part by part. Strict about the framing:
 * a part without Content-Length, or a body of another length, is an error.
 */
class StreamReader {
 public:
  /** Adds bytes; complete parts are appended to `out`. @returns false once the framing is broken. */
  bool feed(const uint8_t* data, size_t len, std::vector<Part>& out);
  const std::string& error() const { return error_; }

 private:
  std::string buf_;
  std::string error_;
  bool inBody_ = false;
  Part cur_;
};

}  // namespace mjpeg
}  // namespace spms
