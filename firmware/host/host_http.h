// The host build's local web server: the status page and /capture on one port, the MJPEG
// /stream on another, byte for byte as ESP-IDF's httpd sends them on the board.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "../spms_gate/src/app/gate_app.h"

namespace spms {
namespace host {

struct HttpServerOptions {
  uint16_t port = 0;
  bool status = true;  // /, /status.json, /setup
  unsigned fps = 10;
};

/** Starts serving on 127.0.0.1:port in background threads. @returns the bound port (0: failed). */
uint16_t startHttpServer(GateApp& app, Logger& log, const HttpServerOptions& o);

}  // namespace host
}  // namespace spms
