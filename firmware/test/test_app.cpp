// The whole gate over fakes: sensor → capture → the server's answers (good and bad) → barrier.
#include <doctest/doctest.h>

#include "fakes.h"

using namespace spms;
using fake::Step;

static void arrive(fake::Rig& r) {
  r.sensor.value = 1;
  r.run(200);
}

TEST_CASE("app: vehicle → capture posted → open → barrier up → passed → down") {
  fake::Rig r;
  arrive(r);
  REQUIRE(r.app->ring().size() == 1);
  std::string id = r.app->gate().waitingFor();
  r.netT.script.push_back({hal::NetError::none, "", fake::answer(id, "open")});
  r.app->netStep();
  REQUIRE(r.netT.requests.size() == 1);
  CHECK(r.netT.requests[0].find("POST /api/v1/gates/gate1/captures HTTP/1.1") == 0);
  CHECK(r.keyOf(0) == id);
  CHECK(r.netT.requests[0].find("\r\n\r\n\xFF\xD8") != std::string::npos);  // the JPEG is the body
  CHECK(r.app->ring().size() == 0);
  r.run(50);
  CHECK(r.barrier.open);
  r.sensor.value = 0;
  r.run(1500);
  CHECK(!r.barrier.open);
  CHECK(r.barrier.moves == std::vector<bool>{false, true, false});
  CHECK(r.camera.grabs == r.camera.releases);
  StatusSnapshot s = r.app->status();
  REQUIRE(s.plates.size() == 1);
  CHECK(s.plates[0].plate == "KA01AB1234");
  CHECK(s.plates[0].acted);
  CHECK(statusHtml(s).find("KA01AB1234") != std::string::npos);
  CHECK(statusJson(s).find("\"server_reachable\":true") != std::string::npos);
  CHECK(r.sys.feeds > 100);
}

TEST_CASE("app: bad answers — not JSON, cut off, another capture's, a 500, a TLS failure — keep the barrier down, are logged, and the capture is retried with its id") {
  fake::Rig r;
  arrive(r);
  std::string id = r.app->gate().waitingFor();
  std::string good = fake::answer(id, "open");
  r.netT.script.push_back({hal::NetError::none, "", fake::http(200, "<html>captive portal</html>", "", "text/html")});
  r.netT.script.push_back({hal::NetError::none, "", good.substr(0, good.size() - 20)});               // cut off
  r.netT.script.push_back({hal::NetError::none, "", fake::answer("someone-else-7", "open")});          // another capture's
  r.netT.script.push_back({hal::NetError::none, "", fake::http(500, "{\"error\":{\"code\":\"internal\",\"message\":\"x\"}}")});
  r.netT.script.push_back({hal::NetError::tls, "certificate: unable to get local issuer certificate", ""});
  r.netT.script.push_back({hal::NetError::none, "", good});
  for (int i = 0; i < 6; i++) {
    r.clock.advance(120000);  // past any backoff
    r.app->netStep();
    r.run(20);
    if (i < 5) CHECK_MESSAGE(!r.barrier.open, "after bad answer " << i);
  }
  CHECK(r.barrier.open);
  REQUIRE(r.netT.requests.size() == 5);  // the TLS failure never got to send
  for (size_t i = 0; i < r.netT.requests.size(); i++) CHECK(r.keyOf(i) == id);
  CHECK(r.count("capture_retry") == 5);
  bool sawTls = false, sawOther = false, sawJson = false;
  for (auto& l : r.lines) {
    sawTls |= l.find("\"lvl\":\"error\",\"ev\":\"capture_retry\"") != std::string::npos && l.find("unable to get local issuer") != std::string::npos;
    sawOther |= l.find("answer for another capture") != std::string::npos;
    sawJson |= l.find("answer is not JSON") != std::string::npos;
  }
  CHECK(sawTls);
  CHECK(sawOther);
  CHECK(sawJson);
}

TEST_CASE("app: server away → hold policy keeps it down; captures queue; when it's back they're replayed with their original ids, once each") {
  fake::Rig r;
  std::vector<std::string> ids;
  for (int car = 0; car < 3; car++) {
    arrive(r);
    ids.push_back(r.app->gate().waitingFor());
    r.app->netStep();  // nothing scripted: connection refused
    r.run(3500);       // the decision wait runs out: offline hold
    CHECK(!r.barrier.open);
    r.sensor.value = 0;
    r.run(2000);  // the car backs away
  }
  CHECK(r.app->ring().size() == 3);
  CHECK(r.logged("offline_policy"));
  CHECK(!r.app->status().serverReachable);
  // back: the queue goes oldest first, each with its own id
  for (auto& id : ids) r.netT.script.push_back({hal::NetError::none, "", fake::answer(id, "open")});
  size_t before = r.netT.requests.size();
  for (int i = 0; i < 10 && r.app->ring().size() > 0; i++) {
    r.clock.advance(70000);
    r.app->netStep();
  }
  CHECK(r.app->ring().size() == 0);
  std::vector<std::string> sent;
  for (size_t i = before; i < r.netT.requests.size(); i++)
    if (!r.keyOf(i).empty()) sent.push_back(r.keyOf(i));
  CHECK(sent == ids);
  r.run(100);
  CHECK(!r.barrier.open);  // late answers for cars long gone move nothing
  CHECK(r.count("decision_not_acted") == 3);
}

TEST_CASE("app: the car waiting now is sent before the backlog") {
  fake::Rig r;
  arrive(r);
  std::string old = r.app->gate().waitingFor();
  r.sensor.value = 0;
  r.run(6000);
  arrive(r);
  std::string now = r.app->gate().waitingFor();
  REQUIRE(old != now);
  r.netT.script.push_back({hal::NetError::none, "", fake::answer(now, "open")});
  r.app->netStep();
  CHECK(r.keyOf(0) == now);
  r.run(30);
  CHECK(r.barrier.open);
}

TEST_CASE("app: an answer that the capture can never be accepted drops it and holds the car") {
  fake::Rig r;
  arrive(r);
  r.netT.script.push_back({hal::NetError::none, "", fake::http(422, "{\"error\":{\"code\":\"capture_time_off\",\"message\":\"x\"}}")});
  r.app->netStep();
  CHECK(r.app->ring().size() == 0);
  CHECK(r.logged("capture_rejected"));
  r.run(50);
  CHECK(r.app->gate().state() == GateState::held);
  CHECK(!r.barrier.open);
}

TEST_CASE("app: an offline queue that overflows drops the oldest, logged") {
  fake::Rig r;
  r.app.reset(new GateApp(r.platform, "1.0.0", false, AppLimits{2, 1 << 20}));
  r.app->begin();
  for (int i = 0; i < 3; i++) {
    arrive(r);
    r.sensor.value = 0;
    r.run(6000);
  }
  CHECK(r.app->ring().size() == 2);
  CHECK(r.app->status().dropped == 1);
  CHECK(r.logged("capture_dropped"));
}

TEST_CASE("app: operator commands by the long poll run once, even when delivered again; expired ones don't run") {
  fake::Rig r;
  int64_t wall = r.clock.wallMs();
  std::string cmds = "{\"commands\":[{\"id\":\"cmd-1\",\"command\":\"open\",\"reason\":\"paid\",\"capture_id\":null,\"issued_at\":" + std::to_string(wall) +
                     ",\"expires_at\":" + std::to_string(wall + 120000) + "}]}";
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(200, cmds)});
  r.app->commandStep();
  r.run(30);
  CHECK(r.barrier.open);
  r.run(6000);  // nobody came: down again
  CHECK(!r.barrier.open);
  // the ack was lost, the command comes again: acknowledged, not run
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(500, "{}")});  // the ack fails
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(200, cmds)});
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(204, "", "", "text/plain")});
  r.app->commandStep();
  r.clock.advance(120000);
  r.app->commandStep();
  r.run(30);
  CHECK(!r.barrier.open);
  CHECK(r.logged("command_repeat"));
  std::string expired = "{\"commands\":[{\"id\":\"cmd-2\",\"command\":\"open\",\"reason\":\"x\",\"capture_id\":null,\"issued_at\":1,\"expires_at\":2}]}";
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(204, "", "", "text/plain")});
  r.cmdT.script.push_back({hal::NetError::none, "", fake::http(200, expired)});
  r.clock.advance(120000);
  r.app->commandStep();
  r.run(30);
  CHECK(!r.barrier.open);
  CHECK(r.logged("command_expired"));
  unsigned acks = 0;
  for (auto& q : r.cmdT.requests) acks += q.find("/ack HTTP/1.1") != std::string::npos;
  CHECK(acks >= 2);
}

TEST_CASE("app: captures taken before NTP wait for the clock, then go with their real time") {
  fake::Rig r;
  r.clock.wallSet = false;
  arrive(r);
  r.app->netStep();
  CHECK(r.netT.requests.empty());
  CHECK(r.logged("waiting_for_clock"));
  r.clock.wallSet = true;
  std::string id = r.app->gate().waitingFor();
  r.netT.script.push_back({hal::NetError::none, "", fake::answer(id, "open")});
  r.app->netStep();
  REQUIRE(r.netT.requests.size() == 1);
  CHECK(r.netT.requests[0].find("X-Capture-Time: 17646") != std::string::npos);
}

TEST_CASE("app: a stuck network task restarts the gate; unprovisioned gates send nothing") {
  fake::Rig r;
  r.app->netStep();
  r.app->commandStep();
  r.run(121000);
  CHECK(r.sys.restarts >= 1);
  CHECK(r.sys.lastRestart == "task stuck");
  CHECK(r.logged("watchdog"));

  fake::Rig blank(false);
  blank.sensor.value = 1;
  blank.run(200);
  blank.app->netStep();
  CHECK(blank.netT.requests.empty());
  CHECK(!blank.app->provisioned());
  CHECK(!blank.app->status().problems.empty());
}

TEST_CASE("app: the camera failing holds the car for an operator") {
  fake::Rig r;
  r.camera.fail = true;
  arrive(r);
  r.run(50);
  CHECK(r.logged("capture_failed"));
  CHECK(r.app->gate().state() == GateState::held);
  CHECK(!r.barrier.open);
}

TEST_CASE("app: Wi-Fi down → joins with backoff") {
  fake::Rig r;
  r.network.isUp = false;
  for (int i = 0; i < 100; i++) {
    r.app->netStep();
    r.clock.advance(100);
  }
  CHECK(r.network.joins >= 2);
  CHECK(r.network.joins <= 4);  // 2 s, 4 s, 8 s … not every 100 ms
}

TEST_CASE("app: a vehicle under the barrier at power-up keeps it up until it has gone") {
  fake::Rig r(false);
  r.sensor.value = 1;
  r.boot();
  CHECK(r.barrier.open);
  r.run(1000);
  CHECK(r.barrier.open);
  r.sensor.value = 0;
  r.run(3000);
  CHECK(!r.barrier.open);
}
