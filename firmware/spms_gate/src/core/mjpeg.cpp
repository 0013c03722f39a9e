#include "mjpeg.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace spms {
namespace mjpeg {

std::string timestamp(long sec, long usec) {
  char b[40];
  std::snprintf(b, sizeof b, "%ld.%06ld", sec, usec);
  return b;
}

std::string partHeader(size_t jpegLen, long sec, long usec) {
  char b[160];
  std::snprintf(b, sizeof b, "Content-Type: image/jpeg\r\nContent-Length: %u\r\nX-Timestamp: %ld.%06ld\r\n\r\n", static_cast<unsigned>(jpegLen), sec, usec);
  return b;
}

std::string streamResponseHead() {
  std::string h = "HTTP/1.1 200 OK\r\nContent-Type: ";
  h += kStreamContentType;
  h += "\r\nTransfer-Encoding: chunked\r\nAccess-Control-Allow-Origin: *\r\nX-Framerate: 60\r\n\r\n";
  return h;
}

std::string captureResponseHead(size_t jpegLen, long sec, long usec) {
  std::string h = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: ";
  h += std::to_string(jpegLen);
  h += "\r\nContent-Disposition: inline; filename=capture.jpg\r\nAccess-Control-Allow-Origin: *\r\nX-Timestamp: ";
  h += timestamp(sec, usec);
  h += "\r\n\r\n";
  return h;
}

std::string chunkSizeLine(size_t len) {
  char b[24];
  std::snprintf(b, sizeof b, "%zx\r\n", len);
  return b;
}

static bool headerValue(const std::string& head, const char* name, std::string& out) {
  size_t n = std::strlen(name);
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    if (eol == std::string::npos) eol = head.size();
    std::string line = head.substr(pos, eol - pos);
    if (line.size() > n && line[n] == ':' && strncasecmp(line.c_str(), name, n) == 0) {
      size_t v = n + 1;
      while (v < line.size() && line[v] == ' ') v++;
      out = line.substr(v);
      return true;
    }
    pos = eol + 2;
  }
  return false;
}

bool StreamReader::feed(const uint8_t* data, size_t len, std::vector<Part>& out) {
  if (!error_.empty()) return false;
  buf_.append(reinterpret_cast<const char*>(data), len);
  for (;;) {
    if (!inBody_) {
      static const std::string open = kStreamBoundary;
      if (buf_.size() < open.size()) return true;
      if (buf_.compare(0, open.size(), open) != 0) {
        error_ = "expected the boundary";
        return false;
      }
      size_t end = buf_.find("\r\n\r\n", open.size());
      if (end == std::string::npos) {
        if (buf_.size() > 1024) { error_ = "part header too long"; return false; }
        return true;
      }
      std::string head = buf_.substr(open.size(), end + 2 - open.size());
      cur_ = Part();
      std::string cl;
      headerValue(head, "Content-Type", cur_.contentType);
      headerValue(head, "X-Timestamp", cur_.timestamp);
      if (!headerValue(head, "Content-Length", cl) || cl.empty()) { error_ = "part without Content-Length"; return false; }
      cur_.contentLength = std::strtoul(cl.c_str(), nullptr, 10);
      buf_.erase(0, end + 4);
      inBody_ = true;
    }
    if (buf_.size() < cur_.contentLength) return true;
    cur_.body.assign(buf_.begin(), buf_.begin() + cur_.contentLength);
    buf_.erase(0, cur_.contentLength);
    out.push_back(std::move(cur_));
    inBody_ = false;
  }
}

}  // namespace mjpeg
}  // namespace spms
