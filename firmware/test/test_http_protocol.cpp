#include <doctest/doctest.h>

#include "../spms_gate/src/core/http.h"
#include "../spms_gate/src/core/protocol.h"
#include "fakes.h"

using namespace spms;

static ResponseParser::State feedAll(ResponseParser& p, const std::string& s, size_t step = 3) {
  ResponseParser::State st = p.state();
  for (size_t i = 0; i < s.size(); i += step) st = p.feed(reinterpret_cast<const uint8_t*>(s.data()) + i, std::min(step, s.size() - i));
  return st;
}

TEST_CASE("url: https with port and base path; http only parses (validate refuses it outside dev builds)") {
  Url u;
  REQUIRE(parseUrl("https://spms.example.com:8443/base/", u));
  CHECK(u.tls);
  CHECK(u.host == "spms.example.com");
  CHECK(u.port == 8443);
  CHECK(u.path == "/base");
  REQUIRE(parseUrl("http://10.0.0.2", u));
  CHECK(!u.tls);
  CHECK(u.port == 80);
  std::string err;
  for (const char* bad : {"ftp://x", "https://", "https://a:0", "https://a:99999", "https://u:p@host", "https://h/x?y", "spms.example.com"}) CHECK_MESSAGE(!parseUrl(bad, u, &err), bad);
}

TEST_CASE("http: Content-Length, chunked and close-delimited answers; cut-off ones are errors") {
  ResponseParser a;
  CHECK(feedAll(a, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhello") == ResponseParser::State::done);
  CHECK(a.response().body == "hello");
  CHECK(*findHeader(a.response().headers, "x-a") == "b");
  CHECK(a.keepAlive());

  ResponseParser c;
  CHECK(feedAll(c, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n", 4) == ResponseParser::State::done);
  CHECK(c.response().body == "hello world");

  ResponseParser e;
  feedAll(e, "HTTP/1.0 200 OK\r\n\r\nuntil close");
  CHECK(e.eof() == ResponseParser::State::done);
  CHECK(e.response().body == "until close");
  CHECK(!e.keepAlive());

  ResponseParser cut;
  feedAll(cut, "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"decision\":\"open\"");
  CHECK(cut.eof() == ResponseParser::State::error);
  CHECK(cut.error() == "answer cut off");

  ResponseParser cutChunk;
  feedAll(cutChunk, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
  CHECK(cutChunk.eof() == ResponseParser::State::error);

  ResponseParser none;
  CHECK(none.eof() == ResponseParser::State::error);
  CHECK(none.error() == "closed before answering");

  ResponseParser junk;
  CHECK(feedAll(junk, "SSH-2.0-OpenSSH\r\n\r\n") == ResponseParser::State::error);
  ResponseParser big(100);
  CHECK(feedAll(big, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n") == ResponseParser::State::error);
  ResponseParser badLen;
  CHECK(feedAll(badLen, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") == ResponseParser::State::error);
}

TEST_CASE("http client: the request on the wire, a stale kept-alive connection retried once, a silent server timed out") {
  fake::Clock clock;
  fake::Transport t(clock);
  HttpClient client(t, clock);
  Url u;
  parseUrl("https://spms.example.com:8443", u);
  client.configure(u, fake::kCa, false);
  t.script.push_back({hal::NetError::none, "", "HTTP/1.1 204 No Content\r\n\r\n", false});
  HttpRequest hb = heartbeatRequest("g 1", fake::kKey, "{}");
  HttpResult r = client.send(hb);
  REQUIRE(r.ok());
  CHECK(r.response.status == 204);
  CHECK(t.requests[0].find("POST /api/v1/gates/g%201/heartbeat HTTP/1.1\r\nHost: spms.example.com:8443\r\n") == 0);
  CHECK(t.requests[0].find("Authorization: Bearer spms_dk_") != std::string::npos);
  CHECK(t.requests[0].find("Content-Length: 2\r\n\r\n{}") != std::string::npos);
  CHECK(t.lastCa == fake::kCa);
  CHECK(t.isOpen());  // kept alive

  // the server closed the idle connection meanwhile: the request on it reads nothing; once more on a fresh one
  t.script.push_back({hal::NetError::none, "", "", true});
  t.script.push_back({hal::NetError::none, "", fake::http(200, "{}"), true});
  r = client.send(hb);
  CHECK(r.ok());
  CHECK(t.connects == 2);

  t.script.push_back({hal::NetError::none, "", "", false, true});
  HttpRequest slow = hb;
  slow.timeoutMs = 3000;
  uint64_t started = clock.mono;
  r = client.send(slow);
  CHECK(r.failure == HttpFailure::timeout);
  CHECK(clock.mono - started >= 3000);
}

TEST_CASE("protocol: a capture request carries the id, the time and the key; answers are read strictly") {
  uint8_t jpeg[] = {0xFF, 0xD8, 0xFF, 0xD9};
  HttpRequest req = captureRequest("gate1", fake::kKey, "ab12cd34-7", 1795372199000LL, jpeg, 4);
  CHECK(req.method == "POST");
  CHECK(req.path == "/api/v1/gates/gate1/captures");
  CHECK(*findHeader(req.headers, "idempotency-key") == "ab12cd34-7");
  CHECK(*findHeader(req.headers, "x-capture-time") == "1795372199000");
  CHECK(*findHeader(req.headers, "content-type") == "image/jpeg");

  auto result = [](const std::string& raw) {
    ResponseParser p;
    p.feed(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
    p.eof();
    HttpResult r;
    if (p.state() != ResponseParser::State::done) r.failure = HttpFailure::cutOff;
    else r.response = p.response();
    return r;
  };
  PostResult ok = interpretCapture(result(fake::answer("k1", "open", "permit", "KA01AB1234", "Idempotent-Replayed: true\r\n")), "k1");
  CHECK(ok.outcome == PostOutcome::decided);
  CHECK(ok.answer.decision == Decision::open);
  CHECK(ok.answer.reason == "permit");
  CHECK(ok.answer.serverCaptureId == "srv-k1");
  CHECK(ok.answer.replayed);

  CHECK(interpretCapture(result(fake::answer("k2", "open")), "k1").outcome == PostOutcome::retry);  // another capture's answer
  CHECK(interpretCapture(result(fake::http(200, "<html>proxy</html>", "", "text/html")), "k1").outcome == PostOutcome::retry);
  CHECK(interpretCapture(result(fake::http(200, "[1]")), "k1").outcome == PostOutcome::retry);
  CHECK(interpretCapture(result(fake::http(200, R"({"capture_id":"x","decision":"maybe"})")), "k1").outcome == PostOutcome::retry);
  CHECK(interpretCapture(result(fake::http(200, R"({"decision":"open"})")), "k1").outcome == PostOutcome::retry);
  PostResult busy = interpretCapture(result(fake::http(503, R"({"error":{"code":"reader_busy","message":"x"}})", "Retry-After: 2\r\n")), "k1");
  CHECK(busy.outcome == PostOutcome::retry);
  CHECK(busy.retryAfterMs == 2000);
  CHECK(busy.why == "HTTP 503 reader_busy");
  CHECK(interpretCapture(result(fake::http(500, "oops", "", "text/plain")), "k1").outcome == PostOutcome::retry);
  CHECK(interpretCapture(result(fake::http(409, "{}")), "k1").outcome == PostOutcome::retry);
  CHECK(interpretCapture(result(fake::http(422, R"({"error":{"code":"capture_time_off","message":"x"}})")), "k1").outcome == PostOutcome::rejected);
  CHECK(interpretCapture(result(fake::http(415, "{}")), "k1").outcome == PostOutcome::rejected);
  CHECK(interpretCapture(result(fake::http(401, "{}")), "k1").outcome == PostOutcome::unauthorized);
  HttpResult tls;
  tls.failure = HttpFailure::tls;
  tls.detail = "certificate: unable to get local issuer certificate";
  PostResult t = interpretCapture(tls, "k1");
  CHECK(t.outcome == PostOutcome::retry);
  CHECK(t.why.find("tls") == 0);
}

TEST_CASE("protocol: the command poll") {
  HttpResult r;
  r.response.status = 200;
  r.response.body = R"({"commands":[{"id":"c1","command":"open","reason":"paid","capture_id":"srv-1","issued_at":1,"expires_at":2},{"id":"c2","command":"close","reason":"x","capture_id":null,"issued_at":1,"expires_at":2}]})";
  std::vector<Command> cmds;
  std::string why;
  uint32_t ra = 0;
  REQUIRE(parseCommands(r, cmds, why, ra));
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0].open);
  CHECK(cmds[0].captureId == "srv-1");
  CHECK(!cmds[1].open);
  r.response.body = R"({"commands":[{"id":"c1","command":"explode"}]})";
  CHECK(!parseCommands(r, cmds, why, ra));
  CHECK(cmds.empty());
  r.response.body = R"({"commands":[)";
  CHECK(!parseCommands(r, cmds, why, ra));
  CHECK(commandsRequest("g", fake::kKey, 25).path == "/api/v1/gates/g/commands?wait=25");
  CHECK(ackRequest("g", fake::kKey, "c/1").path == "/api/v1/gates/g/commands/c%2F1/ack");
}
