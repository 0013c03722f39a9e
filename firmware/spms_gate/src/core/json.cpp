#include "json.h"

#include <cstdlib>
#include <cstring>

namespace spms {

const Json* Json::get(const char* key) const {
  if (type_ != Type::object) return nullptr;
  for (const auto& m : obj_)
    if (m.first == key) return &m.second;
  return nullptr;
}

std::string Json::getString(const char* key, const std::string& fallback) const {
  const Json* v = get(key);
  return v && v->isString() ? v->str() : fallback;
}

double Json::getNumber(const char* key, double fallback) const {
  const Json* v = get(key);
  return v && v->isNumber() ? v->num() : fallback;
}

class JsonParser {
 public:
  JsonParser(const char* p, size_t n, const JsonLimits& l) : p_(p), end_(p + n), begin_(p), limits_(l) {}

  bool parse(Json& out) {
    ws();
    if (!value(out, 0)) return false;
    ws();
    if (p_ != end_) return fail("trailing characters");
    return true;
  }
  std::string error;

 private:
  const char* p_;
  const char* end_;
  const char* begin_;
  JsonLimits limits_;
  size_t elements_ = 0;

  bool fail(const char* what) {
    if (error.empty()) {
      error = what;
      error += " at ";
      error += std::to_string(p_ - begin_);
    }
    return false;
  }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) p_++;
  }
  bool literal(const char* word) {
    size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n) {
      // a prefix of the word followed by the end is truncation, anything else is a bad token
      return fail(std::strncmp(p_, word, end_ - p_) == 0 ? "unexpected end" : "bad literal");
    }
    if (std::strncmp(p_, word, n) != 0) return fail("bad literal");
    p_ += n;
    return true;
  }

  bool value(Json& out, size_t depth) {
    if (++elements_ > limits_.maxElements) return fail("too many elements");
    if (p_ >= end_) return fail("unexpected end");
    switch (*p_) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': out.type_ = Json::Type::string; return string(out.s_);
      case 't': out.type_ = Json::Type::boolean; out.b_ = true; return literal("true");
      case 'f': out.type_ = Json::Type::boolean; out.b_ = false; return literal("false");
      case 'n': out.type_ = Json::Type::null; return literal("null");
      default: return number(out);
    }
  }

  bool object(Json& out, size_t depth) {
    if (depth > limits_.maxDepth) return fail("too deep");
    out.type_ = Json::Type::object;
    p_++;
    ws();
    if (p_ < end_ && *p_ == '}') { p_++; return true; }
    for (;;) {
      ws();
      if (p_ >= end_) return fail("unexpected end");
      if (*p_ != '"') return fail("expected a key");
      std::string key;
      if (!string(key)) return false;
      ws();
      if (p_ >= end_) return fail("unexpected end");
      if (*p_ != ':') return fail("expected ':'");
      p_++;
      ws();
      Json v;
      if (!value(v, depth)) return false;
      out.obj_.emplace_back(std::move(key), std::move(v));
      ws();
      if (p_ >= end_) return fail("unexpected end");
      if (*p_ == ',') { p_++; continue; }
      if (*p_ == '}') { p_++; return true; }
      return fail("expected ',' or '}'");
    }
  }

  bool array(Json& out, size_t depth) {
    if (depth > limits_.maxDepth) return fail("too deep");
    out.type_ = Json::Type::array;
    p_++;
    ws();
    if (p_ < end_ && *p_ == ']') { p_++; return true; }
    for (;;) {
      ws();
      Json v;
      if (!value(v, depth)) return false;
      out.arr_.push_back(std::move(v));
      ws();
      if (p_ >= end_) return fail("unexpected end");
      if (*p_ == ',') { p_++; continue; }
      if (*p_ == ']') { p_++; return true; }
      return fail("expected ',' or ']'");
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(unsigned& cp) {
    if (end_ - p_ < 4) return fail("unexpected end");
    cp = 0;
    for (int i = 0; i < 4; i++) {
      int h = hex(p_[i]);
      if (h < 0) return fail("bad \\u escape");
      cp = cp * 16 + h;
    }
    p_ += 4;
    return true;
  }
  static void utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) s += static_cast<char>(cp);
    else if (cp < 0x800) { s += static_cast<char>(0xC0 | (cp >> 6)); s += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) { s += static_cast<char>(0xE0 | (cp >> 12)); s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); s += static_cast<char>(0x80 | (cp & 0x3F)); }
    else { s += static_cast<char>(0xF0 | (cp >> 18)); s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)); s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); s += static_cast<char>(0x80 | (cp & 0x3F)); }
  }

  bool string(std::string& s) {
    p_++;  // opening quote
    for (;;) {
      if (p_ >= end_) return fail("unexpected end");
      if (s.size() > limits_.maxStringBytes) return fail("string too long");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') { p_++; return true; }
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') { s += static_cast<char>(c); p_++; continue; }
      p_++;
      if (p_ >= end_) return fail("unexpected end");
      char e = *p_++;
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end_ - p_ < 2) return fail("unexpected end");
            if (p_[0] != '\\' || p_[1] != 'u') return fail("lone surrogate");
            p_ += 2;
            unsigned lo = 0;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail("lone surrogate");
          }
          utf8(s, cp);
          break;
        }
        default: p_--; return fail("bad escape");
      }
    }
  }

  bool number(Json& out) {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') p_++;
    if (p_ >= end_) return fail("unexpected end");
    if (*p_ == '0') p_++;
    else if (*p_ >= '1' && *p_ <= '9') while (p_ < end_ && *p_ >= '0' && *p_ <= '9') p_++;
    else return fail("unexpected character");
    if (p_ < end_ && *p_ == '.') {
      p_++;
      if (p_ >= end_) return fail("unexpected end");
      if (!(*p_ >= '0' && *p_ <= '9')) return fail("bad number");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') p_++;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      p_++;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) p_++;
      if (p_ >= end_) return fail("unexpected end");
      if (!(*p_ >= '0' && *p_ <= '9')) return fail("bad number");
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') p_++;
    }
    if (p_ - start > 40) return fail("number too long");
    char buf[48];
    std::memcpy(buf, start, p_ - start);
    buf[p_ - start] = 0;
    out.type_ = Json::Type::number;
    out.n_ = std::strtod(buf, nullptr);
    return true;
  }
};

bool parseJson(const char* data, size_t len, Json& out, std::string* error, const JsonLimits& limits) {
  out = Json();
  JsonParser p(data, len, limits);
  if (p.parse(out)) return true;
  if (error) *error = p.error;
  out = Json();
  return false;
}

std::string jsonQuote(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\r': o += "\\r"; break;
      case '\t': o += "\\t"; break;
      default:
        if (c < 0x20) {
          static const char* hx = "0123456789abcdef";
          o += "\\u00";
          o += hx[c >> 4];
          o += hx[c & 15];
        } else {
          o += static_cast<char>(c);
        }
    }
  }
  o += '"';
  return o;
}

}  // namespace spms
