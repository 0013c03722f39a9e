// HTTP/1.1 for the gate's requests: URL parsing, request heads, a strict incremental response
// parser (Content-Length, chunked, or until close) that tells a complete answer from one cut off,
// and a client over hal::Transport that reuses a kept-alive connection.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../hal/hal.h"

namespace spms {

struct Url {
  bool tls = true;
  std::string host;
  uint16_t port = 443;
  std::string path = "/";  // without a trailing slash unless it is "/"
};
/** Parses "https://host[:port][/base]"; only http and https. */
bool parseUrl(const std::string& s, Url& out, std::string* error = nullptr);

using Headers = std::vector<std::pair<std::string, std::string>>;
/** The value of header `name` (case-insensitive), or nullptr. */
const std::string* findHeader(const Headers& h, const char* name);

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;
};

class ResponseParser {
 public:
  enum class State { head, body, done, error };
  explicit ResponseParser(size_t maxBody = 64 * 1024, std::function<bool(const uint8_t*, size_t)> bodySink = nullptr)
      : maxBody_(maxBody), sink_(std::move(bodySink)) {}
  /** Feeds bytes; returns the state after them. */
  State feed(const uint8_t* data, size_t len);
  /** The peer closed: a body delimited by the close is complete; anything else is cut off. */
  State eof();
  State state() const { return state_; }
  const std::string& error() const { return error_; }
  HttpResponse& response() { return res_; }
  /** Whether the connection may carry another request. */
  bool keepAlive() const { return keepAlive_; }
  size_t bodyBytes() const { return bodyBytes_; }
  /** Set by the client: the request was a HEAD (no body follows). */
  void expectNoBody() { noBody_ = true; }

 private:
  State fail(const char* what) {
    error_ = what;
    return state_ = State::error;
  }
  State parseHead();
  State bodyBytes(const uint8_t* p, size_t n);
  State feedChunked();
  bool emit(const uint8_t* p, size_t n);

  State state_ = State::head;
  std::string buf_;
  std::string error_;
  HttpResponse res_;
  size_t maxBody_;
  std::function<bool(const uint8_t*, size_t)> sink_;
  enum class Framing { length, chunked, close } framing_ = Framing::close;
  size_t remaining_ = 0;
  size_t bodyBytes_ = 0;
  bool keepAlive_ = true;
  bool noBody_ = false;
  // chunked
  enum class Chunk { size, data, dataEnd, trailer } chunk_ = Chunk::size;
};

struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";
  Headers headers;
  const uint8_t* body = nullptr;
  size_t bodyLen = 0;
  uint32_t timeoutMs = 15000;
  size_t maxBody = 64 * 1024;
  /** Streams the body instead of keeping it (OTA images); return false to stop. */
  std::function<bool(const uint8_t*, size_t)> bodySink;
};

/** Why a request got no usable answer. */
enum class HttpFailure { none, connect, tls, timeout, cutOff, malformed, tooLarge, sinkRefused };
const char* httpFailureName(HttpFailure f);

struct HttpResult {
  HttpFailure failure = HttpFailure::none;
  std::string detail;
  HttpResponse response;
  bool ok() const { return failure == HttpFailure::none; }
};

/** The request head: method, path, Host, Content-Length, the given headers. */
std::string buildRequestHead(const Url& base, const HttpRequest& req);

class HttpClient {
 public:
  /**
   * @param progress called between reads (at most every second) so a long wait still counts as
   *        the task being alive for the watchdog
   */
  HttpClient(hal::Transport& t, hal::Clock& clock, std::function<void()> progress = nullptr) : t_(t), clock_(clock), progress_(std::move(progress)) {}
  /**
   * Sets the server and the CA. Safe from any task: it takes effect at the next request, in the
   * task that sends it (closing a TLS connection another task is reading would free it under it).
   */
  void configure(const Url& base, const std::string& caPem, bool insecureDev) {
    std::lock_guard<std::mutex> g(m_);
    next_ = Config{base, caPem, insecureDev};
    pending_ = true;
  }
  /** Sends `req` (its path is appended to the base URL's path) and reads the whole answer. */
  HttpResult send(const HttpRequest& req);
  void close() { t_.close(); }

 private:
  HttpResult attempt(const HttpRequest& req, bool& reused, bool& nothingReceived);
  void applyPending();
  struct Config {
    Url base;
    std::string ca;
    bool insecure = false;
  };
  std::mutex m_;
  Config next_;
  bool pending_ = false;
  hal::Transport& t_;
  hal::Clock& clock_;
  std::function<void()> progress_;
  Url base_;
  std::string ca_;
  bool insecure_ = false;
};

}  // namespace spms
