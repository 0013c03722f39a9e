// The host build of the gate: the firmware's logic over POSIX sockets, JPEG files as the camera,
// and a simulated sensor and barrier. Standard input is the serial console (provisioning:
// `set …`, `ca`, `save`) plus the simulator's `sim …` commands; standard output is the log, one
// JSON object a line.
//
//   gate-host --nvs FILE --camera DIR|FILE [--camera …] [--http-port N] [--stream-port N] [--fps N]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "../spms_gate/src/app/gate_app.h"
#include "host_hal.h"
#include "host_http.h"

#ifndef SPMS_FIRMWARE_VERSION
#define SPMS_FIRMWARE_VERSION "0.0.0-host"
#endif

using namespace spms;

static void usage() {
  std::fprintf(stderr, "usage: gate-host --nvs FILE --camera DIR|FILE [--http-port N] [--stream-port N] [--fps N] [--watchdog-ms N] [--ring N]\n");
  std::exit(2);
}

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  std::string nvs;
  std::vector<std::string> cameras;
  int httpPort = -1, streamPort = -1;
  unsigned fps = 10, watchdogMs = 10000;
  AppLimits limits;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--nvs") nvs = val();
    else if (a == "--camera") cameras.push_back(val());
    else if (a == "--http-port") httpPort = std::atoi(val().c_str());
    else if (a == "--stream-port") streamPort = std::atoi(val().c_str());
    else if (a == "--fps") fps = static_cast<unsigned>(std::atoi(val().c_str()));
    else if (a == "--watchdog-ms") watchdogMs = static_cast<unsigned>(std::atoi(val().c_str()));
    else if (a == "--ring") limits.ringItems = static_cast<size_t>(std::atoi(val().c_str()));
    else if (a == "--long-poll") limits.longPollSeconds = static_cast<unsigned>(std::atoi(val().c_str()));
    else usage();
  }
  if (nvs.empty() || cameras.empty()) usage();

  Logger log(60);
  std::mutex outM;
  log.setSink([&outM](Level, const std::string& line) {
    std::lock_guard<std::mutex> g(outM);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  });

  host::HostClock clock;
  host::FileKv kv(nvs);
  host::PosixTransport netT, cmdT;
  host::FileCamera camera(cameras);
  host::SimSensor sensor;
  host::SimBarrier barrier;
  host::FileOta ota(nvs);
  host::HostSystem sys(log, watchdogMs);
  host::HostNetwork network;
  std::atomic<bool> hang{false};
  std::mutex hintM;
  std::string plateHint;
  Platform platform{clock, kv, netT, cmdT, camera, sensor, barrier, ota, sys, network, log, [&] {
                      std::lock_guard<std::mutex> g(hintM);
                      return plateHint;
                    }};
  if (camera.count() == 0) log.log(Level::error, "camera_failed", {{"why", "no JPEG files"}});
  if (streamPort >= 0) limits.streamPort = static_cast<uint16_t>(streamPort);

#ifdef SPMS_DEV_INSECURE_TLS
  const bool devBuild = true;
#else
  const bool devBuild = false;
#endif
  GateApp app(platform, SPMS_FIRMWARE_VERSION, devBuild, limits);
  app.begin();

  uint16_t hp = 0, sp = 0;
  if (httpPort >= 0) hp = host::startHttpServer(app, log, {static_cast<uint16_t>(httpPort), true, fps});
  if (streamPort >= 0) sp = host::startHttpServer(app, log, {static_cast<uint16_t>(streamPort), false, fps});
  log.log(Level::info, "listening", {{"http_port", static_cast<unsigned>(hp)}, {"stream_port", static_cast<unsigned>(sp)}});

  app.console().extra = [&](const std::string& line) {
    if (line.compare(0, 4, "sim ") != 0) return false;
    char what[32] = {0}, arg[64] = {0};
    if (std::sscanf(line.c_str() + 4, "%31s %63s", what, arg) < 1) return false;
    std::string w = what;
    if (w == "sensor") sensor.value_ = std::atoi(arg);
    else if (w == "switch") barrier.switchMode_ = std::atoi(arg);
    else if (w == "plate") {
      std::lock_guard<std::mutex> g(hintM);
      plateHint = arg;
    } else if (w == "hang") {
      // the control loop stops (a stuck driver): the task watchdog must catch it
      log.log(Level::warn, "sim_hang");
      hang = true;
    } else return false;
    log.log(Level::debug, "sim", {{"what", w}, {"value", std::string(arg)}});
    return true;
  };

  std::thread([&] {
    for (;;) {
      uint32_t wait = app.netStep();
      if (wait) clock.sleepMs(wait);
    }
  }).detach();
  std::thread([&] {
    for (;;) {
      uint32_t wait = app.commandStep();
      if (wait) clock.sleepMs(wait);
    }
  }).detach();
  // the console: standard input (a closed stdin leaves the gate running)
  std::thread([&] {
    std::string line;
    while (std::getline(std::cin, line)) app.console().line(line);
  }).detach();

  std::signal(SIGTERM, [](int) { std::_Exit(0); });
  std::signal(SIGINT, [](int) { std::_Exit(0); });
  for (;;) {
    while (hang) clock.sleepMs(100);
    app.controlStep();
    clock.sleepMs(10);
  }
}
