#include "tests/security/graph_text.h"

#include <cstdio>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace tg {
namespace testing {

GraphDef Parse(const std::string& text) {
  GraphDef def;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &def))
      << text;
  return def;
}

std::string IntConst(const std::string& name, const std::vector<int64_t>& v,
                     const std::string& dtype) {
  std::string values;
  const std::string field = dtype == "DT_INT64" ? "int64_val" : "int_val";
  for (int64_t x : v) values += field + ": " + std::to_string(x) + " ";
  return "node { name: '" + name + "' op: 'Const' attr { key: 'dtype' value " +
         "{ type: " + dtype + " } } attr { key: 'value' value { tensor { " +
         "dtype: " + dtype +
         " tensor_shape { dim { size: " + std::to_string(v.size()) + " } } " +
         values + "} } } }\n";
}

std::string Scalar(const std::string& name, double v,
                   const std::string& dtype) {
  const std::string field = dtype == "DT_FLOAT"    ? "float_val"
                            : dtype == "DT_DOUBLE" ? "double_val"
                            : dtype == "DT_INT64"  ? "int64_val"
                                                   : "int_val";
  char buf[64];
  std::snprintf(buf, sizeof(buf),
                dtype == "DT_FLOAT" || dtype == "DT_DOUBLE" ? "%.17g" : "%.0f",
                v);
  return "node { name: '" + name + "' op: 'Const' attr { key: 'dtype' value " +
         "{ type: " + dtype + " } } attr { key: 'value' value { tensor { " +
         "dtype: " + dtype + " tensor_shape { } " + field + ": " + buf +
         " } } } }\n";
}

std::string Op(const std::string& name, const std::string& op,
               const std::vector<std::string>& inputs,
               const std::string& attrs) {
  std::string s = "node { name: '" + name + "' op: '" + op + "' ";
  for (const auto& i : inputs) s += "input: '" + i + "' ";
  return s + attrs + " }\n";
}

std::string TypeAttr(const std::string& key, const std::string& t) {
  return "attr { key: '" + key + "' value { type: " + t + " } } ";
}
std::string IntAttr(const std::string& key, int64_t v) {
  return "attr { key: '" + key + "' value { i: " + std::to_string(v) + " } } ";
}

absl::Status RunGraph(
    const std::string& text, const std::string& fetch, std::vector<Tensor>* out,
    SessionOptions options,
    const std::vector<std::pair<std::string, Tensor>>& feeds) {
  TG_ASSIGN_OR_RETURN(auto session, Session::Create(Parse(text), options));
  std::vector<Tensor> discard;
  return session->Run(feeds, {fetch}, {}, out != nullptr ? out : &discard);
}

}  // namespace testing
}  // namespace tg
