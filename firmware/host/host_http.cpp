#include "host_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "../spms_gate/src/core/mjpeg.h"
#include "../spms_gate/src/core/settings.h"
#include "../spms_gate/src/core/status.h"

namespace spms {
namespace host {

static bool sendAll(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}
static bool sendStr(int fd, const std::string& s) { return sendAll(fd, s.data(), s.size()); }

static void answer(int fd, int status, const char* type, const std::string& body, const char* extra = "") {
  const char* text = status == 200 ? "OK" : status == 303 ? "See Other" : status == 404 ? "Not Found" : status == 400 ? "Bad Request" : "Internal Server Error";
  std::string h = "HTTP/1.1 " + std::to_string(status) + " " + text + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\nCache-Control: no-store\r\nConnection: close\r\n" + extra + "\r\n";
  sendStr(fd, h + body);
}

static void stream(int fd, GateApp& app, unsigned fps) {
  if (!sendStr(fd, mjpeg::streamResponseHead())) return;
  auto chunk = [&](const void* p, size_t n) { return sendStr(fd, mjpeg::chunkSizeLine(n)) && sendAll(fd, p, n) && sendStr(fd, "\r\n"); };
  uint32_t gap = 1000 / (fps ? fps : 10);
  for (;;) {
    bool ok = true;
    bool got = app.withFrame([&](const hal::Frame& f) {
      std::string head = mjpeg::partHeader(f.len, f.sec, f.usec);
      ok = chunk(mjpeg::kStreamBoundary, std::strlen(mjpeg::kStreamBoundary)) && chunk(head.data(), head.size()) && chunk(f.data, f.len);
    });
    if (!got || !ok) return;  // like the example: a failed frame or send ends the stream
    std::this_thread::sleep_for(std::chrono::milliseconds(gap));
  }
}

static void serve(int fd, GateApp& app, Logger& log, const HttpServerOptions& o) {
  std::string req;
  char buf[2048];
  while (req.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) <= 0) return;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<size_t>(n));
    if (req.size() > 16384) return answer(fd, 400, "text/plain", "request too large\n");
  }
  size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return answer(fd, 400, "text/plain", "bad request\n");
  std::string method = req.substr(0, sp1), path = req.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = path.find('?');
  if (q != std::string::npos) path = path.substr(0, q);
  if (method == "GET" && path == "/stream") return stream(fd, app, o.fps);
  if (method == "GET" && path == "/capture") {
    bool got = app.withFrame([&](const hal::Frame& f) {
      sendStr(fd, mjpeg::captureResponseHead(f.len, f.sec, f.usec));
      sendAll(fd, f.data, f.len);
    });
    if (!got) answer(fd, 500, "text/plain", "Camera capture failed\n");
    return;
  }
  if (!o.status) return answer(fd, 404, "text/plain", "Not Found\n");
  if (method == "GET" && path == "/status.json") return answer(fd, 200, "application/json", statusJson(app.status()));
  if (method == "GET" && path == "/") return answer(fd, 200, "text/html; charset=utf-8", statusHtml(app.status()));
  if (method == "GET" && path == "/setup") return answer(fd, 200, "text/html; charset=utf-8", setupPageHtml(app.settings(), app.status().problems));
  if (method == "POST" && path == "/setup") {
    size_t bodyAt = req.find("\r\n\r\n") + 4;
    std::string body = req.substr(bodyAt);
    Settings s = app.settings();
    std::vector<std::string> errors = applyForm(s, parseForm(body));
    if (!errors.empty()) return answer(fd, 400, "text/html; charset=utf-8", setupPageHtml(s, errors));
    log.log(Level::info, "setup_saved", {{"via", "page"}});
    app.console().reset(s);
    app.console().line("save");
    return answer(fd, 303, "text/plain", "saved\n", "Location: /\r\n");
  }
  answer(fd, 404, "text/plain", "Not Found\n");
}

uint16_t startHttpServer(GateApp& app, Logger& log, const HttpServerOptions& o) {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(o.port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 16) != 0) {
    log.log(Level::error, "http_server_failed", {{"port", static_cast<unsigned>(o.port)}, {"why", std::strerror(errno)}});
    ::close(s);
    return 0;
  }
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  uint16_t port = ntohs(a.sin_port);
  std::thread([s, &app, &log, o] {
    for (;;) {
      int c = ::accept(s, nullptr, nullptr);
      if (c < 0) continue;
      std::thread([c, &app, &log, o] {
        serve(c, app, log, o);
        ::close(c);
      }).detach();
    }
  }).detach();
  return port;
}

}  // namespace host
}  // namespace spms
