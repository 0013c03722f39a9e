#include "host_hal.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

extern "C" void* spms_large_alloc(size_t bytes) { return std::malloc(bytes ? bytes : 1); }
extern "C" void spms_large_free(void* p) { std::free(p); }

namespace spms {
namespace host {

uint64_t HostClock::monoMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}
int64_t HostClock::wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// ------------------------------------------------------------------ NVS file

static std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else o += c;
  }
  return o;
}
static std::string unescape(const std::string& s) {
  std::string o;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      o += s[i + 1] == 'n' ? '\n' : s[i + 1];
      i++;
    } else o += s[i];
  }
  return o;
}

FileKv::FileKv(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) kv_.emplace_back(line.substr(0, eq), unescape(line.substr(eq + 1)));
  }
}
bool FileKv::getString(const char* key, std::string& out) {
  std::lock_guard<std::mutex> g(m_);
  for (auto& kv : kv_)
    if (kv.first == key) {
      out = kv.second;
      return true;
    }
  return false;
}
bool FileKv::setString(const char* key, const std::string& value) {
  if (std::strlen(key) > 15) return false;  // NVS's limit, kept here so the host catches a long key
  std::lock_guard<std::mutex> g(m_);
  for (auto& kv : kv_)
    if (kv.first == key) {
      kv.second = value;
      return true;
    }
  kv_.emplace_back(key, value);
  return true;
}
bool FileKv::getU32(const char* key, uint32_t& out) {
  std::string v;
  if (!getString(key, v) || v.empty()) return false;
  out = static_cast<uint32_t>(std::strtoul(v.c_str(), nullptr, 10));
  return true;
}
bool FileKv::setU32(const char* key, uint32_t value) { return setString(key, std::to_string(value)); }
bool FileKv::erase(const char* key) {
  std::lock_guard<std::mutex> g(m_);
  kv_.erase(std::remove_if(kv_.begin(), kv_.end(), [&](auto& kv) { return kv.first == key; }), kv_.end());
  return true;
}
bool FileKv::commit() {
  std::lock_guard<std::mutex> g(m_);
  std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    for (auto& kv : kv_) out << kv.first << '=' << escape(kv.second) << '\n';
    out.flush();
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path_.c_str()) == 0;
}

// ------------------------------------------------------------------ sockets + OpenSSL

static bool waitFd(int fd, short events, uint32_t timeoutMs) {
  pollfd p{fd, events, 0};
  int r;
  do r = ::poll(&p, 1, static_cast<int>(timeoutMs));
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static std::string sslErrors() {
  std::string s;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char b[256];
    ERR_error_string_n(e, b, sizeof b);
    if (!s.empty()) s += "; ";
    s += b;
  }
  return s;
}

bool PosixTransport::connect(const std::string& host, uint16_t port, bool tls, const std::string& caPem, bool insecureDev, uint32_t timeoutMs,
                             hal::NetError& err, std::string& detail) {
  close();
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    err = hal::NetError::dns;
    detail = "cannot resolve " + host;
    return false;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    err = hal::NetError::io;
    return false;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    err = errno == ECONNREFUSED ? hal::NetError::refused : hal::NetError::io;
    detail = std::strerror(errno);
    ::close(fd);
    return false;
  }
  if (rc != 0) {
    if (!waitFd(fd, POLLOUT, timeoutMs)) {
      err = hal::NetError::timeout;
      detail = "connect timed out";
      ::close(fd);
      return false;
    }
    int so = 0;
    socklen_t len = sizeof so;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &len);
    if (so != 0) {
      err = so == ECONNREFUSED ? hal::NetError::refused : hal::NetError::io;
      detail = std::strerror(so);
      ::close(fd);
      return false;
    }
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fd_ = fd;
  if (!tls) return true;

  ctx_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
#ifdef SPMS_DEV_INSECURE_TLS
  bool verify = !insecureDev;
#else
  (void)insecureDev;
  bool verify = true;
#endif
  if (verify) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx_);
    BIO* bio = BIO_new_mem_buf(caPem.data(), static_cast<int>(caPem.size()));
    int added = 0;
    while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
      if (X509_STORE_add_cert(store, cert) == 1) added++;
      X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error();
    if (added == 0) {
      err = hal::NetError::tls;
      detail = "no CA certificate provisioned";
      close();
      return false;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
  }
  ssl_ = SSL_new(ctx_);
  SSL_set_fd(ssl_, fd_);
  in6_addr a6;
  in_addr a4;
  bool isIp = inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
  if (isIp) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else {
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  for (;;) {
    int r = SSL_connect(ssl_);
    if (r == 1) break;
    int e = SSL_get_error(ssl_, r);
    if ((e == SSL_ERROR_WANT_READ && waitFd(fd_, POLLIN, timeoutMs)) || (e == SSL_ERROR_WANT_WRITE && waitFd(fd_, POLLOUT, timeoutMs))) continue;
    long v = SSL_get_verify_result(ssl_);
    err = hal::NetError::tls;
    detail = v != X509_V_OK ? std::string("certificate: ") + X509_verify_cert_error_string(v) : "handshake failed: " + sslErrors();
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      err = hal::NetError::timeout;
      detail = "TLS handshake timed out";
    }
    ERR_clear_error();
    close();
    return false;
  }
  return true;
}

bool PosixTransport::writeAll(const uint8_t* data, size_t len, uint32_t timeoutMs) {
  size_t off = 0;
  while (off < len) {
    if (fd_ < 0) return false;
    ssize_t n;
    if (ssl_) {
      int r = SSL_write(ssl_, data + off, static_cast<int>(std::min<size_t>(len - off, 16384)));
      if (r <= 0) {
        int e = SSL_get_error(ssl_, r);
        if ((e == SSL_ERROR_WANT_WRITE && waitFd(fd_, POLLOUT, timeoutMs)) || (e == SSL_ERROR_WANT_READ && waitFd(fd_, POLLIN, timeoutMs))) continue;
        ERR_clear_error();
        return false;
      }
      n = r;
    } else {
      n = ::send(fd_, data + off, len - off, MSG_NOSIGNAL);
      if (n < 0) {
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && waitFd(fd_, POLLOUT, timeoutMs)) continue;
        if (errno == EINTR) continue;
        return false;
      }
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

int PosixTransport::read(uint8_t* buf, size_t cap, uint32_t timeoutMs) {
  if (fd_ < 0) return -1;
  if (ssl_) {
    for (;;) {
      if (SSL_pending(ssl_) == 0 && !waitFd(fd_, POLLIN, timeoutMs)) return -2;
      int r = SSL_read(ssl_, buf, static_cast<int>(cap));
      if (r > 0) return r;
      int e = SSL_get_error(ssl_, r);
      ERR_clear_error();
      if (e == SSL_ERROR_ZERO_RETURN) return 0;
      if (e == SSL_ERROR_WANT_READ) return -2;
      if (e == SSL_ERROR_SYSCALL && r == 0) return 0;  // closed without close_notify: the HTTP framing decides
      if (e == SSL_ERROR_SSL && ERR_peek_error() == 0) return 0;
      return -1;
    }
  }
  if (!waitFd(fd_, POLLIN, timeoutMs)) return -2;
  ssize_t n = ::recv(fd_, buf, cap, 0);
  if (n < 0) return errno == EAGAIN || errno == EINTR ? -2 : -1;
  return static_cast<int>(n);
}

void PosixTransport::close() {
  if (ssl_) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (ctx_) {
    SSL_CTX_free(ctx_);
    ctx_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

// ------------------------------------------------------------------ camera

static bool endsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  if (s.size() < n) return false;
  for (size_t i = 0; i < n; i++)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
  return true;
}

FileCamera::FileCamera(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    DIR* d = opendir(p.c_str());
    if (!d) {
      files_.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (endsWith(n, ".jpg") || endsWith(n, ".jpeg")) found.push_back(p + "/" + n);
    }
    closedir(d);
    std::sort(found.begin(), found.end());
    files_.insert(files_.end(), found.begin(), found.end());
  }
}

bool FileCamera::grab(hal::Frame& f) {
  std::string path;
  {
    std::lock_guard<std::mutex> g(m_);
    if (files_.empty()) return false;
    path = files_[next_++ % files_.size()];
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  auto* bytes = new std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes->size() < 4 || (*bytes)[0] != 0xFF || (*bytes)[1] != 0xD8) {
    delete bytes;
    return false;
  }
  auto now = std::chrono::system_clock::now().time_since_epoch();
  long long us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  f.data = bytes->data();
  f.len = bytes->size();
  f.sec = static_cast<long>(us / 1000000);
  f.usec = static_cast<long>(us % 1000000);
  f.handle = bytes;
  return true;
}

void FileCamera::release(hal::Frame& f) {
  delete static_cast<std::vector<uint8_t>*>(f.handle);
  f = hal::Frame();
}

// ------------------------------------------------------------------ barrier, OTA, system

void SimBarrier::setOpen(bool open) {
  if (open != open_) moves_++;
  open_ = open;
}
int SimBarrier::closedSwitch() {
  int mode = switchMode_;
  if (mode < 0) return -1;
  if (mode == 0) return 0;  // stuck open: never reports closed
  return open_ ? 0 : 1;
}

bool FileOta::begin(size_t) {
  abort();
  f_ = std::fopen((base_ + ".ota").c_str(), "wb");
  return f_ != nullptr;
}
bool FileOta::write(const uint8_t* data, size_t len) { return f_ && std::fwrite(data, 1, len, f_) == len; }
bool FileOta::finish() {
  if (!f_) return false;
  std::fclose(f_);
  f_ = nullptr;
  return std::rename((base_ + ".ota").c_str(), (base_ + ".ota-ready").c_str()) == 0;
}
void FileOta::abort() {
  if (f_) std::fclose(f_);
  f_ = nullptr;
  std::remove((base_ + ".ota").c_str());
}

HostSystem::HostSystem(Logger& log, uint32_t watchdogMs) : log_(log) {
  feedWatchdog();
  std::thread([this, watchdogMs] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      long long now = std::chrono::steady_clock::now().time_since_epoch().count();
      long long ms = (now - fed_.load()) / 1000000;
      if (ms > watchdogMs) {
        log_.log(Level::error, "task_watchdog", {{"why", "control loop not fed for " + std::to_string(ms) + " ms"}});
        std::fflush(stdout);
        std::_Exit(134);
      }
    }
  }).detach();
}

void HostSystem::restart(const char* why) {
  log_.log(Level::warn, "restart", {{"why", why}});
  std::fflush(stdout);
  std::_Exit(3);
}

uint32_t HostSystem::random32() {
  static std::mutex m;
  static std::mt19937 rng(std::random_device{}());
  std::lock_guard<std::mutex> g(m);
  return rng();
}

}  // namespace host
}  // namespace spms
