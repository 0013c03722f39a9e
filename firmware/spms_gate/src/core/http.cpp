#include "http.h"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <strings.h>

namespace spms {

const char* hal::netErrorName(hal::NetError e) {
  switch (e) {
    case hal::NetError::none: return "none";
    case hal::NetError::dns: return "dns";
    case hal::NetError::refused: return "refused";
    case hal::NetError::timeout: return "timeout";
    case hal::NetError::tls: return "tls";
    case hal::NetError::closed: return "closed";
    case hal::NetError::io: return "io";
  }
  return "?";
}

const char* httpFailureName(HttpFailure f) {
  switch (f) {
    case HttpFailure::none: return "none";
    case HttpFailure::connect: return "connect";
    case HttpFailure::tls: return "tls";
    case HttpFailure::timeout: return "timeout";
    case HttpFailure::cutOff: return "cut_off";
    case HttpFailure::malformed: return "malformed";
    case HttpFailure::tooLarge: return "too_large";
    case HttpFailure::sinkRefused: return "sink_refused";
  }
  return "?";
}

bool parseUrl(const std::string& s, Url& out, std::string* error) {
  auto bad = [&](const char* why) {
    if (error) *error = why;
    return false;
  };
  Url u;
  size_t rest;
  if (s.compare(0, 8, "https://") == 0) { u.tls = true; u.port = 443; rest = 8; }
  else if (s.compare(0, 7, "http://") == 0) { u.tls = false; u.port = 80; rest = 7; }
  else return bad("the URL must start with https:// (or http:// in a development build)");
  size_t slash = s.find('/', rest);
  std::string hostport = s.substr(rest, slash == std::string::npos ? std::string::npos : slash - rest);
  if (hostport.empty()) return bad("no host in the URL");
  if (hostport.find('@') != std::string::npos) return bad("no user or password in the URL");
  size_t colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    std::string port = hostport.substr(colon + 1);
    if (port.empty() || port.size() > 5) return bad("bad port");
    for (char c : port) if (!std::isdigit(static_cast<unsigned char>(c))) return bad("bad port");
    long p = std::strtol(port.c_str(), nullptr, 10);
    if (p < 1 || p > 65535) return bad("bad port");
    u.port = static_cast<uint16_t>(p);
    hostport = hostport.substr(0, colon);
  }
  for (char c : hostport)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) return bad("bad host");
  u.host = hostport;
  u.path = slash == std::string::npos ? "/" : s.substr(slash);
  if (u.path.find_first_of("?# ") != std::string::npos) return bad("no query or fragment in the base URL");
  while (u.path.size() > 1 && u.path.back() == '/') u.path.pop_back();
  out = u;
  return true;
}

const std::string* findHeader(const Headers& h, const char* name) {
  for (const auto& kv : h)
    if (strcasecmp(kv.first.c_str(), name) == 0) return &kv.second;
  return nullptr;
}

std::string buildRequestHead(const Url& base, const HttpRequest& req) {
  std::string path = base.path == "/" ? req.path : base.path + req.path;
  std::string h = req.method + " " + path + " HTTP/1.1\r\nHost: " + base.host;
  if ((base.tls && base.port != 443) || (!base.tls && base.port != 80)) h += ":" + std::to_string(base.port);
  h += "\r\n";
  for (const auto& kv : req.headers) h += kv.first + ": " + kv.second + "\r\n";
  if (req.body || req.method == "POST" || req.method == "PUT") h += "Content-Length: " + std::to_string(req.bodyLen) + "\r\n";
  h += "\r\n";
  return h;
}

// ---------------------------------------------------------------- response parser

ResponseParser::State ResponseParser::feed(const uint8_t* data, size_t len) {
  if (state_ == State::done || state_ == State::error) return state_;
  if (state_ == State::head) {
    buf_.append(reinterpret_cast<const char*>(data), len);
    if (buf_.find("\r\n\r\n") == std::string::npos) {
      if (buf_.size() > 8192) return fail("response head too long");
      return state_;
    }
    if (parseHead() == State::error) return state_;
    std::string rest = std::move(buf_);
    buf_.clear();
    if (state_ == State::done) return state_;
    if (framing_ == Framing::chunked) {
      buf_ = std::move(rest);
      return feedChunked();
    }
    return bodyBytes(reinterpret_cast<const uint8_t*>(rest.data()), rest.size());
  }
  if (framing_ == Framing::chunked) {
    buf_.append(reinterpret_cast<const char*>(data), len);
    return feedChunked();
  }
  return bodyBytes(data, len);
}

ResponseParser::State ResponseParser::parseHead() {
  size_t end = buf_.find("\r\n\r\n");
  std::string head = buf_.substr(0, end);
  buf_.erase(0, end + 4);
  size_t eol = head.find("\r\n");
  std::string statusLine = head.substr(0, eol);
  if (statusLine.compare(0, 7, "HTTP/1.") != 0 || statusLine.size() < 12 || statusLine[8] != ' ') return fail("not an HTTP response");
  for (int i = 9; i < 12; i++)
    if (!std::isdigit(static_cast<unsigned char>(statusLine[i]))) return fail("bad status code");
  res_.status = std::atoi(statusLine.substr(9, 3).c_str());
  if (statusLine[7] == '0') keepAlive_ = false;
  size_t pos = eol == std::string::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    pos = e + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) return fail("bad header line");
    std::string name = line.substr(0, colon);
    size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) v++;
    std::string value = line.substr(v);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    res_.headers.emplace_back(name, value);
    if (res_.headers.size() > 64) return fail("too many headers");
  }
  const std::string* te = findHeader(res_.headers, "transfer-encoding");
  const std::string* cl = findHeader(res_.headers, "content-length");
  const std::string* conn = findHeader(res_.headers, "connection");
  if (conn && strcasecmp(conn->c_str(), "close") == 0) keepAlive_ = false;
  if (noBody_ || res_.status == 204 || res_.status == 304 || (res_.status >= 100 && res_.status < 200)) {
    if (res_.status >= 100 && res_.status < 200) return fail("unexpected interim response");
    return state_ = State::done;
  }
  if (te) {
    if (strcasecmp(te->c_str(), "chunked") != 0) return fail("unsupported transfer encoding");
    framing_ = Framing::chunked;
    return state_ = State::body;
  }
  if (cl) {
    if (cl->empty() || cl->size() > 10) return fail("bad content length");
    for (char c : *cl) if (!std::isdigit(static_cast<unsigned char>(c))) return fail("bad content length");
    remaining_ = std::strtoul(cl->c_str(), nullptr, 10);
    if (!sink_ && remaining_ > maxBody_) return fail("body too large");
    framing_ = Framing::length;
    if (remaining_ == 0) return state_ = State::done;
    return state_ = State::body;
  }
  framing_ = Framing::close;
  keepAlive_ = false;
  return state_ = State::body;
}

bool ResponseParser::emit(const uint8_t* p, size_t n) {
  bodyBytes_ += n;
  if (sink_) return sink_(p, n);
  if (res_.body.size() + n > maxBody_) return false;
  res_.body.append(reinterpret_cast<const char*>(p), n);
  return true;
}

ResponseParser::State ResponseParser::bodyBytes(const uint8_t* p, size_t n) {
  if (framing_ == Framing::length) {
    if (n > remaining_) n = remaining_;  // bytes past the body belong to nobody: ignored
    if (!emit(p, n)) return fail(sink_ ? "body refused" : "body too large");
    remaining_ -= n;
    if (remaining_ == 0) state_ = State::done;
    return state_;
  }
  if (!emit(p, n)) return fail(sink_ ? "body refused" : "body too large");
  return state_;
}

ResponseParser::State ResponseParser::feedChunked() {
  for (;;) {
    if (chunk_ == Chunk::size) {
      size_t eol = buf_.find("\r\n");
      if (eol == std::string::npos) {
        if (buf_.size() > 64) return fail("bad chunk size");
        return state_;
      }
      std::string line = buf_.substr(0, eol);
      size_t semi = line.find(';');
      if (semi != std::string::npos) line = line.substr(0, semi);
      if (line.empty() || line.size() > 8) return fail("bad chunk size");
      for (char c : line) if (!std::isxdigit(static_cast<unsigned char>(c))) return fail("bad chunk size");
      remaining_ = std::strtoul(line.c_str(), nullptr, 16);
      buf_.erase(0, eol + 2);
      if (remaining_ == 0) { chunk_ = Chunk::trailer; continue; }
      if (!sink_ && bodyBytes_ + remaining_ > maxBody_) return fail("body too large");
      chunk_ = Chunk::data;
    }
    if (chunk_ == Chunk::data) {
      size_t take = buf_.size() < remaining_ ? buf_.size() : remaining_;
      if (take == 0) return state_;
      if (!emit(reinterpret_cast<const uint8_t*>(buf_.data()), take)) return fail(sink_ ? "body refused" : "body too large");
      buf_.erase(0, take);
      remaining_ -= take;
      if (remaining_ > 0) return state_;
      chunk_ = Chunk::dataEnd;
    }
    if (chunk_ == Chunk::dataEnd) {
      if (buf_.size() < 2) return state_;
      if (buf_.compare(0, 2, "\r\n") != 0) return fail("bad chunk end");
      buf_.erase(0, 2);
      chunk_ = Chunk::size;
      continue;
    }
    if (chunk_ == Chunk::trailer) {
      size_t eol = buf_.find("\r\n");
      if (eol == std::string::npos) return state_;
      buf_.erase(0, eol + 2);
      if (eol == 0) return state_ = State::done;  // the empty line ends the trailers
    }
  }
}

ResponseParser::State ResponseParser::eof() {
  if (state_ == State::done || state_ == State::error) return state_;
  if (state_ == State::body && framing_ == Framing::close) return state_ = State::done;
  keepAlive_ = false;
  return fail(state_ == State::head && buf_.empty() ? "closed before answering" : "answer cut off");
}

// ---------------------------------------------------------------- client

HttpResult HttpClient::attempt(const HttpRequest& req, bool& reused, bool& nothingReceived) {
  HttpResult r;
  nothingReceived = true;
  reused = t_.isOpen();
  if (!reused) {
    hal::NetError err = hal::NetError::none;
    std::string detail;
    if (!t_.connect(base_.host, base_.port, base_.tls, ca_, insecure_, req.timeoutMs < 10000 ? req.timeoutMs : 10000, err, detail)) {
      r.failure = err == hal::NetError::tls ? HttpFailure::tls : err == hal::NetError::timeout ? HttpFailure::timeout : HttpFailure::connect;
      r.detail = detail.empty() ? std::string(hal::netErrorName(err)) : detail;
      t_.close();
      return r;
    }
  }
  std::string head = buildRequestHead(base_, req);
  if (!t_.writeAll(reinterpret_cast<const uint8_t*>(head.data()), head.size(), req.timeoutMs) ||
      (req.bodyLen && !t_.writeAll(req.body, req.bodyLen, req.timeoutMs))) {
    t_.close();
    r.failure = HttpFailure::connect;
    r.detail = "write failed";
    return r;
  }
  ResponseParser p(req.maxBody, req.bodySink);
  if (req.method == "HEAD") p.expectNoBody();
  uint64_t deadline = clock_.monoMs() + req.timeoutMs;
  uint8_t buf[1536];
  for (;;) {
    uint64_t now = clock_.monoMs();
    if (now >= deadline) {
      t_.close();
      r.failure = HttpFailure::timeout;
      r.detail = "no complete answer in time";
      return r;
    }
    uint64_t left = deadline - now;
    int n = t_.read(buf, sizeof buf, static_cast<uint32_t>(left < 1000 ? left : 1000));
    if (progress_) progress_();
    ResponseParser::State s;
    if (n == -2) continue;
    if (n < 0) {
      t_.close();
      r.failure = nothingReceived ? HttpFailure::connect : HttpFailure::cutOff;
      r.detail = "read failed";
      return r;
    }
    if (n == 0) {
      t_.close();
      s = p.eof();
    } else {
      nothingReceived = false;
      s = p.feed(buf, n);
    }
    if (s == ResponseParser::State::done) {
      if (!p.keepAlive()) t_.close();
      r.response = std::move(p.response());
      return r;
    }
    if (s == ResponseParser::State::error) {
      t_.close();
      const std::string& e = p.error();
      r.failure = e == "answer cut off" || e == "closed before answering" ? HttpFailure::cutOff
                  : e == "body too large"                                ? HttpFailure::tooLarge
                  : e == "body refused"                                  ? HttpFailure::sinkRefused
                                                                         : HttpFailure::malformed;
      r.detail = e;
      return r;
    }
  }
}

void HttpClient::applyPending() {
  std::lock_guard<std::mutex> g(m_);
  if (!pending_) return;
  pending_ = false;
  const Config& c = next_;
  if (c.base.host != base_.host || c.base.port != base_.port || c.base.tls != base_.tls || c.ca != ca_ || c.insecure != insecure_) t_.close();
  base_ = c.base;
  ca_ = c.ca;
  insecure_ = c.insecure;
}

HttpResult HttpClient::send(const HttpRequest& req) {
  applyPending();
  bool reused = false, nothing = false;
  HttpResult r = attempt(req, reused, nothing);
  // a kept-alive connection the server had already closed: once more on a fresh one (every
  // request the gate sends is safe to repeat)
  if (!r.ok() && reused && nothing && (r.failure == HttpFailure::connect || r.failure == HttpFailure::cutOff)) r = attempt(req, reused, nothing);
  return r;
}

}  // namespace spms
