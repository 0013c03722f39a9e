#include <doctest/doctest.h>

#include "../spms_gate/src/core/json.h"

using namespace spms;

TEST_CASE("json: the server's capture answer") {
  Json j;
  std::string err;
  REQUIRE(parseJson(R"({"capture_id":"c1","decision":"hold","plate":null,"confidence":0.412,"reason":"payment_due","session_id":"s","amount_due":12000,"display":"KA01AB1234 \u20b9120"})", j, &err));
  CHECK(j.getString("decision") == "hold");
  CHECK(j.get("plate")->isNull());
  CHECK(j.getNumber("amount_due") == 12000);
  CHECK(j.getNumber("confidence") == doctest::Approx(0.412));
  CHECK(j.getString("display") == "KA01AB1234 \xE2\x82\xB9" "120");
  CHECK(j.getString("missing", "x") == "x");
}

TEST_CASE("json: escapes, surrogate pairs, nesting") {
  Json j;
  REQUIRE(parseJson(R"({"a":[1,-2.5e3,true,false,null,{"b":"q\"\\\/\n\t"}],"e":"\ud83d\ude97"})", j));
  REQUIRE(j.get("a")->items().size() == 6);
  CHECK(j.get("a")->items()[1].num() == -2500);
  CHECK(j.get("a")->items()[5].getString("b") == "q\"\\/\n\t");
  CHECK(j.getString("e") == "\xF0\x9F\x9A\x97");
}

TEST_CASE("json: anything broken or cut off is refused, never half-read") {
  const char* bad[] = {
      "",  "{", R"({"decision":"op)", R"({"decision":"open")", R"({"decision":"open",)", "{\"a\":tru", "[1,2", "nul", "01", "1.", "-", "1e",
      "{\"a\" 1}", "{a:1}", "[1,]", "{\"a\":1,}", "\"\\x\"", "\"\\ud800\"", "\"\\udc00\"", "\"a\nb\"", "{} {}", "<html>", "{\"a\":\"\\u12\"}",
  };
  for (const char* b : bad) {
    Json j;
    std::string err;
    CHECK_MESSAGE(!parseJson(b, j, &err), b);
    CHECK(j.isNull());
  }
  std::string err;
  Json j;
  CHECK(!parseJson(R"({"decision":"open","plate":"KA)", j, &err));
  CHECK(err.find("unexpected end") != std::string::npos);
}

TEST_CASE("json: limits stop hostile input") {
  std::string deep(100, '[');
  Json j;
  std::string err;
  CHECK(!parseJson(deep, j, &err));
  CHECK(err.find("too deep") != std::string::npos);
  std::string many = "[";
  for (int i = 0; i < 5000; i++) many += "1,";
  many += "1]";
  CHECK(!parseJson(many, j, &err));
  CHECK(jsonQuote("a\"b\\\n\x01") == "\"a\\\"b\\\\\\n\\u0001\"");
}
